import { type EventOutcome, type Mode, retryOnConflict } from '@basis/shared';
import {
  type DisputeRecord,
  isConcurrentUpdate,
  type PaymentRecord,
  type RefundRecord,
} from '../domain/payment.ts';
import { statusTimeOf } from '../domain/payments-report.ts';
import type { PaymentChildReader, PaymentStore } from '../ports.ts';

export type PaymentDecisionResult =
  | { outcome: 'applied'; record: PaymentRecord }
  | { outcome: Exclude<EventOutcome, 'applied'> };

/**
 * A decision about a payment's refunds or disputes: the items to write. `payment` is present when money moved (its
 * aggregates changed): then it is written in the same transaction as the children.
 */
export type PaymentChangeDecision =
  | { outcome: 'applied'; payment?: PaymentRecord; refunds?: RefundRecord[]; disputes?: DisputeRecord[] }
  | { outcome: Exclude<EventOutcome, 'applied'> };

/** Conditional writes that lose a race are re-read and re-decided; more losses than this is a real problem. */
const maxAttempts = 8;

/**
 * Read the record, decide with `decide`, write once, conditional on the version read. A write that lost a race
 * (another delivery, a refund request, a payout) is decided again on fresh data. Anything but `applied` costs no
 * write. Every writer of payment records goes through here, so none can overwrite another's change.
 */
export async function updatePayment(
  payments: PaymentStore,
  clinicId: string,
  mode: Mode,
  paymentId: string,
  decide: (current: PaymentRecord | undefined) => Promise<PaymentDecisionResult>,
): Promise<EventOutcome> {
  return retryOnConflict(isConcurrentUpdate, maxAttempts, async () => {
    const current = await payments.get(clinicId, mode, paymentId);
    const decision = await decide(current);
    if (decision.outcome !== 'applied') return decision.outcome;
    await payments.save(decision.record, current?.version);
    return 'applied';
  });
}

/**
 * The report facts of a change (gsi4), written once: a refund that succeeded is filed at the time it succeeded, with
 * its payment's amount and `amountRefunded` right after it; a dispute of a succeeded payment under the payment's
 * success time.
 */
function withReportFacts(
  current: PaymentRecord,
  decision: Extract<PaymentChangeDecision, { outcome: 'applied' }>,
): Extract<PaymentChangeDecision, { outcome: 'applied' }> {
  const after = decision.payment ?? current;
  return {
    ...decision,
    ...(decision.refunds
      ? {
          refunds: decision.refunds.map((refund) =>
            refund.status === 'succeeded' && refund.reportedAt === undefined
              ? {
                  ...refund,
                  reportedAt: new Date(refund.statusCreated * 1000).toISOString(),
                  paymentAmount: after.amount,
                  refundedAfter: after.amountRefunded,
                  currency: after.currency,
                }
              : refund,
          ),
        }
      : {}),
    ...(decision.disputes
      ? {
          disputes: decision.disputes.map((dispute) =>
            dispute.reportedAt === undefined && current.status === 'succeeded'
              ? { ...dispute, reportedAt: statusTimeOf(current) }
              : dispute,
          ),
        }
      : {}),
  };
}

/**
 * Read the payment, decide about its refunds or disputes (reading the ones it needs), write what the decision names
 * in one conditional write, each item on its version. A lost race is decided again on fresh data; anything but
 * `applied` costs no write.
 */
export async function changePayment(
  payments: PaymentStore,
  clinicId: string,
  mode: Mode,
  paymentId: string,
  decide: (current: PaymentRecord | undefined, read: PaymentChildReader) => Promise<PaymentChangeDecision>,
): Promise<EventOutcome> {
  const read: PaymentChildReader = {
    refund: (refundKey) => payments.refund(clinicId, mode, paymentId, refundKey),
    dispute: (disputeId) => payments.dispute(clinicId, mode, paymentId, disputeId),
  };
  return retryOnConflict(isConcurrentUpdate, maxAttempts, async () => {
    const current = await payments.get(clinicId, mode, paymentId);
    const decision = await decide(current, read);
    if (decision.outcome !== 'applied') return decision.outcome;
    if (!current) throw new Error(`Payment ${paymentId} must be recorded before its refunds or disputes.`);
    const { payment, refunds, disputes } = withReportFacts(current, decision);
    await payments.write({
      clinicId,
      mode,
      paymentId,
      ...(payment ? { payment: { record: payment, expectedVersion: current.version } } : {}),
      ...(refunds ? { refunds } : {}),
      ...(disputes ? { disputes } : {}),
    });
    return 'applied';
  });
}
