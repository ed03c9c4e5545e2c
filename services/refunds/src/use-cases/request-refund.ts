import { type PaymentRecord, type RefundEntry, refundStatuses } from '@basis/payments';
import {
  BasisError,
  type Caller,
  ConflictError,
  NotFoundError,
  requireModeSecrets,
  StripeUnavailableError,
} from '@basis/shared';
import * as z from 'zod';
import {
  planRefund,
  type RefundPlan,
  refundIdempotencyKey,
  refundReconcileDelaySeconds,
} from '../domain/refunds.ts';
import type { RefundsDeps } from '../ports.ts';
import { refundRefusedError, sendRefundToStripe } from './call-stripe-for-refund.ts';

export const refundBodySchema = z.strictObject({
  amount: z.number().int().positive().optional(),
  reason: z.enum(['requested_by_customer', 'duplicate', 'fraudulent']).optional(),
});
export type RefundBody = z.infer<typeof refundBodySchema>;

/** `POST …/refunds`' answer (docs/api.md): `refundId` is null until Stripe has answered. */
export const refundAcceptedSchema = z
  .object({
    refundId: z.string().nullable().meta({ example: 're_…' }),
    status: z.enum(refundStatuses),
    amount: z.number().int().meta({ description: "In the currency's minor unit." }),
    reason: z.string().nullable(),
  })
  .meta({ id: 'RefundAccepted' });
export type RefundAccepted = z.infer<typeof refundAcceptedSchema>;

function view(refund: RefundEntry): RefundAccepted {
  return { refundId: refund.refundId, status: refund.status, amount: refund.amount, reason: refund.reason };
}

/**
 * `POST …/payments/{paymentId}/refunds`. The refund is written `pending` (its own item and the payment's pending
 * total in one transaction, conditional on the payment's version, which also settles concurrent requests: the
 * remainder counts pending refunds); a delayed reconcile message is
 * queued before that write, whichever read the write is decided on; only then is Stripe called, with the key the
 * refund was written with. Stripe's refusal answers 409/422 with the refund `failed`; an unknown outcome 202
 * `pending`.
 */
export async function requestRefund(
  deps: RefundsDeps,
  caller: Caller,
  input: { clinicId: string; paymentId: string; body: RefundBody; requestKey: string | undefined },
): Promise<RefundAccepted> {
  // The route names no mode: the payment of either mode (Stripe's ids are unique across modes).
  const payment = await deps.payments.find(input.clinicId, input.paymentId);
  if (!payment) throw new NotFoundError('payment_not_found', `No payment ${input.paymentId} in this clinic.`);
  // Read past the cache: a refund is never made with the key of an account the clinic has just replaced.
  const { secretKey } = await requireModeSecrets(deps.freshSecrets, input.clinicId, payment.mode);
  const refundKey = input.requestKey ?? deps.newRefundKey();
  const planFor = (current: PaymentRecord, sameKey: RefundEntry | undefined) =>
    planRefund(current, sameKey, {
      refundKey: input.requestKey,
      amount: input.body.amount,
      reason: input.body.reason ?? null,
      requestedBy: caller.userId,
      now: deps.now(),
      idempotencyKeyFor: (key) => refundIdempotencyKey(input.clinicId, input.paymentId, key),
      newRefundKey: () => refundKey,
    });
  let reconcileQueued = false;
  // Queued before the refund is written, on every path that writes one (also when a concurrent change makes room
  // for it only on a re-read): whatever is lost after the write (the process, Stripe's answer), the reconciler
  // finds the pending refund a minute later. If the send fails, nothing is written; if nothing gets written, the
  // reconciler finds nothing and stops.
  const reconcileBeforeWrite = async () => {
    if (reconcileQueued) return;
    try {
      await deps.queue.send(
        'refunds',
        {
          kind: 'basis.refund_reconcile',
          clinicId: input.clinicId,
          mode: payment.mode,
          paymentId: input.paymentId,
          refundKey,
        },
        { delaySeconds: refundReconcileDelaySeconds },
      );
    } catch (error) {
      deps.logger.error('could not queue the refund reconcile; nothing was refunded', {
        paymentId: input.paymentId,
        refundKey,
        error,
      });
      throw new BasisError(
        'enqueue_failed',
        'The refund could not be started, and nothing was refunded. Please try again.',
      );
    }
    reconcileQueued = true;
  };

  let plan: RefundPlan | undefined;
  await deps.payments.change(input.clinicId, payment.mode, input.paymentId, async (current, read) => {
    if (!current)
      throw new NotFoundError('payment_not_found', `No payment ${input.paymentId} in this clinic.`);
    plan = planFor(current, input.requestKey ? await read.refund(input.requestKey) : undefined);
    if (plan.kind !== 'new') return { outcome: 'stale' };
    await reconcileBeforeWrite();
    // Money moves (the remainder shrinks by the pending refund): the refund item and the payment in one transaction.
    return {
      outcome: 'applied',
      payment: { ...plan.record, updatedAt: deps.now().toISOString(), version: current.version + 1 },
      refunds: [{ ...plan.refund, version: 1 }],
    };
  });
  if (plan?.kind === 'repeat') {
    // The same click twice without a key: the refund the first click made.
    const repeated = await deps.payments.refund(
      input.clinicId,
      payment.mode,
      input.paymentId,
      plan.refundKey,
    );
    if (!repeated) throw new Error(`Refund ${plan.refundKey} is missing from payment ${input.paymentId}.`);
    plan = { kind: 'existing', refund: repeated };
  }
  if (!plan) throw new Error('No refund plan was made.');
  switch (plan.kind) {
    case 'not_refundable':
      throw new ConflictError(
        'payment_not_refundable',
        `Only a succeeded payment can be refunded; this one is ${plan.status}.`,
      );
    case 'exceeds_remaining':
      throw new BasisError(
        'refund_exceeds_remaining',
        plan.remaining === 0
          ? 'Nothing remains to refund on this payment (pending refunds count).'
          : `The refund of ${plan.requested} exceeds the ${plan.remaining} that remains refundable (pending refunds count).`,
        { remaining: plan.remaining },
      );
    case 'existing':
      // The same Idempotency-Key again: the same answer, also when Stripe refused it.
      if (plan.refund.status === 'failed' && plan.refund.refundId === null && plan.refund.failureReason)
        throw refundRefusedError(plan.refund.failureReason);
      if (plan.refund.refundId !== null || plan.refund.status !== 'pending') return view(plan.refund);
      break;
    case 'new':
      break;
  }
  const refund = plan.refund;
  const record = await deps.payments.get(input.clinicId, payment.mode, input.paymentId);
  if (!record) throw new NotFoundError('payment_not_found', `No payment ${input.paymentId} in this clinic.`);
  try {
    return view(await sendRefundToStripe(deps, record, refund, secretKey));
  } catch (error) {
    if (error instanceof StripeUnavailableError) {
      // Stripe's answer is unknown: the refund stays pending and the reconcile message completes it with the same key.
      deps.logger.warn('refund left pending for the reconciler', {
        paymentId: input.paymentId,
        refundKey: refund.refundKey,
      });
      return view(refund);
    }
    throw error;
  }
}
