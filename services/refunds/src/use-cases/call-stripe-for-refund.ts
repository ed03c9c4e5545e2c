import type { PaymentRecord, RefundEntry } from '@basis/payments';
import { StripeRequestRejectedError } from '@basis/shared';
import { applyRefundFact, withRefundTotals } from '../domain/refunds.ts';
import { refundFact, stripeRefundSchema } from '../domain/stripe-objects.ts';
import type { RefundReason, RefundsDeps } from '../ports.ts';

/**
 * Asks Stripe for a refund written `pending`, with the key it was written with: the same parameters every time, so
 * a retry after a timeout or a crash returns the refund Stripe already made instead of making a second one.
 * The answer completes the record. A refusal marks the refund failed, giving its amount back.
 */
export async function sendRefundToStripe(
  deps: RefundsDeps,
  record: PaymentRecord,
  refund: RefundEntry,
  secretKey: string,
): Promise<RefundEntry> {
  if (!refund.idempotencyKey) throw new Error(`Refund ${refund.refundKey} has no idempotency key to send.`);
  try {
    const created = stripeRefundSchema.parse(
      await deps.refunds.createRefund(secretKey, {
        paymentIntentId: record.paymentId,
        amount: refund.amount,
        reason: refund.reason as RefundReason | null,
        metadata: {
          clinic_id: record.clinicId,
          ...(record.bookingId ? { booking_id: record.bookingId } : {}),
          refund_request_id: refund.refundKey,
        },
        idempotencyKey: refund.idempotencyKey,
      }),
    );
    return await completeRefund(deps, record, refund.refundKey, (current) =>
      applyRefundFact(current, refundFact(created, created.created)),
    );
  } catch (error) {
    if (!(error instanceof StripeRequestRejectedError)) throw error;
    await completeRefund(deps, record, refund.refundKey, (current) => {
      const refunds = current.refunds.map((entry) =>
        entry.refundKey === refund.refundKey && entry.refundId === null && entry.status === 'pending'
          ? {
              ...entry,
              status: 'failed' as const,
              failureReason: error.stripeCode ?? 'rejected',
              statusRank: 2,
            }
          : entry,
      );
      return withRefundTotals({ ...current, refunds });
    });
    throw error;
  }
}

async function completeRefund(
  deps: RefundsDeps,
  record: PaymentRecord,
  refundKey: string,
  change: (current: PaymentRecord) => PaymentRecord | undefined,
): Promise<RefundEntry> {
  await deps.payments.update(record.clinicId, record.paymentId, async (current) => {
    if (!current) throw new Error(`Payment ${record.paymentId} disappeared.`);
    const next = change(current);
    if (!next) return { outcome: 'stale' };
    return {
      outcome: 'applied',
      record: { ...next, updatedAt: deps.now().toISOString(), version: current.version + 1 },
    };
  });
  const stored = await deps.payments.get(record.clinicId, record.paymentId);
  const entry = stored?.refunds.find((refund) => refund.refundKey === refundKey);
  if (!entry) throw new Error(`Refund ${refundKey} is missing from payment ${record.paymentId}.`);
  return entry;
}
