import { type PaymentRecord, type RefundEntry, refundStatuses } from '@basis/payments';
import {
  BasisError,
  type Caller,
  ConflictError,
  NotFoundError,
  requireModeSecrets,
  StripeRequestRejectedError,
  StripeUnavailableError,
} from '@basis/shared';
import { z } from 'zod';
import {
  planRefund,
  type RefundPlan,
  refundIdempotencyKey,
  refundReconcileDelaySeconds,
} from '../domain/refunds.ts';
import type { RefundsDeps } from '../ports.ts';
import { sendRefundToStripe } from './call-stripe-for-refund.ts';

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
 * `POST …/payments/{paymentId}/refunds`. The refund is written `pending` (one conditional write on the payment,
 * which also settles concurrent requests: the remainder counts pending refunds), a delayed reconcile message is
 * queued, and only then is Stripe called, with the key the refund was written with.
 */
export async function requestRefund(
  deps: RefundsDeps,
  caller: Caller,
  input: { clinicId: string; paymentId: string; body: RefundBody; requestKey: string | undefined },
): Promise<RefundAccepted> {
  const payment = await deps.payments.get(input.clinicId, input.paymentId);
  if (!payment) throw new NotFoundError('payment_not_found', `No payment ${input.paymentId} in this clinic.`);
  const { secretKey } = await requireModeSecrets(deps.secrets, input.clinicId, payment.mode);
  const refundKey = input.requestKey ?? deps.newRefundKey();
  const planFor = (current: PaymentRecord) =>
    planRefund(current, {
      refundKey: input.requestKey,
      amount: input.body.amount,
      reason: input.body.reason ?? null,
      requestedBy: caller.userId,
      now: deps.now(),
      idempotencyKeyFor: (key) => refundIdempotencyKey(input.clinicId, input.paymentId, key),
      newRefundKey: () => refundKey,
    });
  const reconcileLater = () =>
    deps.queue.send(
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
  // Queued before the refund is written: whatever is lost after the write (the process, Stripe's answer), the
  // reconciler finds the pending refund a minute later. If nothing gets written, it finds nothing and stops.
  const queuedBeforeWrite = planFor(payment).kind === 'new';
  if (queuedBeforeWrite) await reconcileLater();

  let plan: RefundPlan | undefined;
  await deps.payments.update(input.clinicId, input.paymentId, async (current) => {
    if (!current)
      throw new NotFoundError('payment_not_found', `No payment ${input.paymentId} in this clinic.`);
    plan = planFor(current);
    if (plan.kind !== 'new') return { outcome: 'stale' };
    return {
      outcome: 'applied',
      record: { ...plan.record, updatedAt: deps.now().toISOString(), version: current.version + 1 },
    };
  });
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
      if (plan.refund.refundId !== null || plan.refund.status !== 'pending') return view(plan.refund);
      break;
    case 'new':
      break;
  }
  const refund = plan.refund;
  // A concurrent change made room for this refund after the first read: queue its reconciler now.
  if (plan.kind === 'new' && !queuedBeforeWrite) await reconcileLater();
  const record = await deps.payments.get(input.clinicId, input.paymentId);
  if (!record) throw new NotFoundError('payment_not_found', `No payment ${input.paymentId} in this clinic.`);
  try {
    return view(await sendRefundToStripe(deps, record, refund, secretKey));
  } catch (error) {
    if (error instanceof StripeRequestRejectedError) {
      throw new BasisError(
        'refund_rejected',
        error.message.replace(/^Stripe refused the request: /, 'Stripe refused the refund: '),
      );
    }
    if (error instanceof StripeUnavailableError) {
      // Stripe did not answer: the refund stays pending and the reconcile message completes it with the same key.
      deps.logger.warn('refund left pending for the reconciler', {
        paymentId: input.paymentId,
        refundKey: refund.refundKey,
      });
      return view(refund);
    }
    throw error;
  }
}
