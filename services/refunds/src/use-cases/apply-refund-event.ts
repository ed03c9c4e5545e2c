import { appliedEventMemory, type PaymentRecord } from '@basis/payments';
import {
  type EventOutcome,
  type Mode,
  metricNames,
  requireModeSecrets,
  type WebhookEventMessage,
} from '@basis/shared';
import { refundReconcileMessageSchema } from '../domain/refund-reconcile-message.ts';
import { applyDisputeFact, applyRefundFact, type RefundFact } from '../domain/refunds.ts';
import {
  disputeFact,
  idFrom,
  refundFact,
  stripeChargeSchema,
  stripeDisputeSchema,
  stripeRefundSchema,
} from '../domain/stripe-objects.ts';
import type { RefundsDeps } from '../ports.ts';
import { RefundRefusedError, sendRefundToStripe } from './call-stripe-for-refund.ts';

async function secretKeyFor(deps: RefundsDeps, clinicId: string, mode: Mode): Promise<string> {
  return (await requireModeSecrets(deps.secrets, clinicId, mode)).secretKey;
}

function remember(record: PaymentRecord, eventId: string): string[] {
  return [...record.appliedEventIds, eventId].slice(-appliedEventMemory);
}

/** Applies facts to a payment, once per event: a repeat of an applied event is a duplicate. */
async function applyToPayment(
  deps: RefundsDeps,
  message: WebhookEventMessage,
  paymentId: string,
  change: (current: PaymentRecord) => Promise<PaymentRecord | undefined> | PaymentRecord | undefined,
): Promise<EventOutcome> {
  // A refund or dispute may arrive before any event of its payment (or for a payment made in the Dashboard): the
  // payment is recorded from Stripe first, so nothing is dropped. Still absent: another clinic's payment on the same
  // Stripe account.
  if (!(await deps.payments.ensureRecorded(message.clinicId, message.mode, paymentId))) return 'ignored';
  return deps.payments.update(message.clinicId, paymentId, async (current) => {
    if (!current) throw new Error(`Payment ${paymentId} is still missing.`);
    if (current.appliedEventIds.includes(message.event.id)) return { outcome: 'duplicate' };
    const next = await change(current);
    if (!next) return { outcome: 'stale' };
    return {
      outcome: 'applied',
      record: {
        ...next,
        appliedEventIds: remember(current, message.event.id),
        updatedAt: deps.now().toISOString(),
        version: current.version + 1,
      },
    };
  });
}

function applyFacts(record: PaymentRecord, facts: readonly RefundFact[]): PaymentRecord | undefined {
  let changed: PaymentRecord | undefined;
  for (const fact of facts) changed = applyRefundFact(changed ?? record, fact) ?? changed;
  return changed;
}

/** The refunds worker: refund, charge.refunded and dispute events, and its own reconcile messages. */
export async function applyRefundEvent(
  deps: RefundsDeps,
  message: WebhookEventMessage,
): Promise<EventOutcome> {
  const { event } = message;
  if (event.type.startsWith('refund.') || event.type === 'charge.refund.updated') {
    const refund = stripeRefundSchema.parse(event.data.object);
    const paymentId = idFrom(refund.payment_intent);
    if (!paymentId) return 'ignored';
    return applyToPayment(deps, message, paymentId, (current) =>
      applyRefundFact(current, refundFact(refund, event.created)),
    );
  }
  if (event.type === 'charge.refunded') {
    const charge = stripeChargeSchema.parse(event.data.object);
    const paymentId = idFrom(charge.payment_intent);
    if (!paymentId) return 'ignored';
    return applyToPayment(deps, message, paymentId, async (current) => {
      const listed = (charge.refunds?.data ?? []).map((item) =>
        refundFact(stripeRefundSchema.parse(item), event.created),
      );
      const afterListed = applyFacts(current, listed) ?? current;
      if (charge.amount_refunded <= afterListed.amountRefunded)
        return afterListed === current ? undefined : afterListed;
      // `amount_refunded` is cumulative and says more than the refunds we know: ask Stripe which they are.
      const all = await deps.refunds.listRefunds(
        await secretKeyFor(deps, message.clinicId, message.mode),
        paymentId,
      );
      const now = Math.floor(deps.now().getTime() / 1000);
      return (
        applyFacts(
          afterListed,
          all.map((item) => refundFact(stripeRefundSchema.parse(item), now)),
        ) ?? afterListed
      );
    });
  }
  if (event.type.startsWith('charge.dispute.')) {
    const dispute = stripeDisputeSchema.parse(event.data.object);
    const paymentId = idFrom(dispute.payment_intent);
    if (!paymentId) return 'ignored';
    return applyToPayment(deps, message, paymentId, (current) =>
      applyDisputeFact(current, disputeFact(dispute, event.created)),
    );
  }
  return 'ignored';
}

/**
 * The delayed check after a refund was written pending: if Stripe's answer never got recorded (a crash, a
 * timeout), ask again with the same key. Stripe returns the refund it made, or makes the one that was never sent.
 * A refund still pending this late is counted (`RefundStuckPending`, the clinic and payment in metadata): one now
 * and then is a lost answer that this completes; a stream of them is Stripe or the refunds API failing.
 */
export async function reconcileRefund(deps: RefundsDeps, body: unknown): Promise<EventOutcome> {
  const message = refundReconcileMessageSchema.parse(body);
  const record = await deps.payments.get(message.clinicId, message.paymentId);
  const refund = record?.refunds.find((entry) => entry.refundKey === message.refundKey);
  if (!record || !refund || refund.refundId !== null || refund.status !== 'pending') return 'stale';
  deps.metrics.count(metricNames.refundStuckPending, undefined, {
    clinicId: message.clinicId,
    paymentId: message.paymentId,
  });
  await sendRefundToStripe(
    deps,
    record,
    refund,
    await secretKeyFor(deps, message.clinicId, message.mode),
  ).catch((error: unknown) => {
    // A refusal (a revoked key, a payment unknown to the account, an invalid request) was recorded as a failed
    // refund, its amount refundable again; that settles it. Only an unknown outcome is retried.
    if (error instanceof RefundRefusedError) return;
    throw error;
  });
  return 'applied';
}
