import type {
  PaymentChangeDecision,
  PaymentChildReader,
  PaymentRecord,
  RefundEntry,
  RefundRecord,
} from '@basis/payments';
import {
  type EventOutcome,
  type Mode,
  metricNames,
  requireModeSecrets,
  type WebhookEventMessage,
} from '@basis/shared';
import { refundReconcileMessageSchema } from '../domain/refund-reconcile-message.ts';
import { applyDisputeFact, applyRefundFact, type RefundFact, refundKeyOf } from '../domain/refunds.ts';
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

/**
 * Applies facts to a payment's refunds or disputes. A refund or dispute may arrive before any event of its payment
 * (or for a payment made in the Dashboard): the payment is recorded from Stripe first, so nothing is dropped. Still
 * absent: another clinic's payment on the same Stripe account. A repeated fact changes nothing and costs no write.
 */
async function applyToPayment(
  deps: RefundsDeps,
  message: WebhookEventMessage,
  paymentId: string,
  decide: (current: PaymentRecord, read: PaymentChildReader) => Promise<PaymentChangeDecision>,
): Promise<EventOutcome> {
  if (!(await deps.payments.ensureRecorded(message.clinicId, message.mode, paymentId))) return 'ignored';
  return deps.payments.change(message.clinicId, message.mode, paymentId, async (current, read) => {
    if (!current) throw new Error(`Payment ${paymentId} is still missing.`);
    return decide(current, read);
  });
}

/** A transaction holds at most 100 items: the payment and this many refunds. */
const maxRefundsPerWrite = 99;

/**
 * The refunds `facts` change, read one by one, and the payment after them. Stops after `maxRefundsPerWrite`
 * changed refunds (`more`: apply the facts again for the rest).
 */
async function foldRefundFacts(
  current: PaymentRecord,
  facts: readonly RefundFact[],
  read: PaymentChildReader,
  now: Date,
): Promise<{ decision: PaymentChangeDecision; payment: PaymentRecord; more: boolean }> {
  let payment = current;
  let moved = false;
  const slots = new Map<string, { stored: RefundRecord | undefined; refund?: RefundEntry }>();
  let more = false;
  for (const fact of facts) {
    const key = refundKeyOf(fact);
    let slot = slots.get(key);
    if (!slot) {
      if ([...slots.values()].filter((entry) => entry.refund).length >= maxRefundsPerWrite) {
        more = true;
        break;
      }
      slot = { stored: await read.refund(key) };
      slots.set(key, slot);
    }
    const change = applyRefundFact(payment, slot.refund ?? slot.stored, fact);
    if (!change) continue;
    slot.refund = change.refund;
    if (change.payment) {
      payment = change.payment;
      moved = true;
    }
  }
  const refunds: RefundRecord[] = [];
  for (const slot of slots.values()) {
    if (slot.refund) refunds.push({ ...slot.refund, version: (slot.stored?.version ?? 0) + 1 });
  }
  if (refunds.length === 0) return { decision: { outcome: 'stale' }, payment, more: false };
  return {
    decision: {
      outcome: 'applied',
      refunds,
      ...(moved
        ? { payment: { ...payment, updatedAt: now.toISOString(), version: current.version + 1 } }
        : {}),
    },
    payment,
    more,
  };
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
    return applyToPayment(deps, message, paymentId, async (current, read) => {
      const { decision } = await foldRefundFacts(
        current,
        [refundFact(refund, event.created)],
        read,
        deps.now(),
      );
      return decision;
    });
  }
  if (event.type === 'charge.refunded') {
    const charge = stripeChargeSchema.parse(event.data.object);
    const paymentId = idFrom(charge.payment_intent);
    if (!paymentId) return 'ignored';
    const listed = (charge.refunds?.data ?? []).map((item) =>
      refundFact(stripeRefundSchema.parse(item), event.created),
    );
    let outcome: EventOutcome;
    let more = false;
    do {
      outcome = await applyToPayment(deps, message, paymentId, async (current, read) => {
        const afterListed = await foldRefundFacts(current, listed, read, deps.now());
        more = afterListed.more;
        if (more || charge.amount_refunded <= afterListed.payment.amountRefunded) return afterListed.decision;
        // `amount_refunded` is cumulative and says more than the refunds we know: ask Stripe which they are.
        const all = await deps.refunds.listRefunds(
          await secretKeyFor(deps, message.clinicId, message.mode),
          paymentId,
        );
        const now = Math.floor(deps.now().getTime() / 1000);
        const facts = [...listed, ...all.map((item) => refundFact(stripeRefundSchema.parse(item), now))];
        const afterAll = await foldRefundFacts(current, facts, read, deps.now());
        more = afterAll.more;
        return afterAll.decision;
      });
    } while (more && outcome === 'applied');
    return outcome;
  }
  if (event.type.startsWith('charge.dispute.')) {
    const dispute = stripeDisputeSchema.parse(event.data.object);
    const paymentId = idFrom(dispute.payment_intent);
    if (!paymentId) return 'ignored';
    return applyToPayment(deps, message, paymentId, async (_current, read) => {
      const stored = await read.dispute(dispute.id);
      const next = applyDisputeFact(stored, disputeFact(dispute, event.created));
      if (!next) return { outcome: 'stale' };
      return { outcome: 'applied', disputes: [{ ...next, version: (stored?.version ?? 0) + 1 }] };
    });
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
  const [record, refund] = await Promise.all([
    deps.payments.get(message.clinicId, message.mode, message.paymentId),
    deps.payments.refund(message.clinicId, message.mode, message.paymentId, message.refundKey),
  ]);
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
