import { ConflictError, NotFoundError, requireModeSecrets, StripeRequestRejectedError } from '@basis/shared';
import { toPaymentView } from '../domain/payment.ts';
import { parsePaymentIntent } from '../domain/payment-intent-event.ts';
import type { PaymentsApiDeps } from '../ports.ts';
import { applyPaymentIntentFacts } from './apply-payment-event.ts';
import { releaseBooking } from './booking-payment.ts';

function notCancelable(detail: string): ConflictError {
  return new ConflictError(
    'payment_not_cancelable',
    `This payment can no longer be canceled (${detail}); refund it instead.`,
  );
}

/**
 * `POST …/payments/{paymentId}/cancel` (staff, admin): cancels an unpaid PaymentIntent on Stripe and releases its
 * booking, so that the next booking-payment call makes a new PaymentIntent for whichever client then books (a
 * booking claimed by the wrong client is freed this way). Answers the Payment, `canceled`; a repeat answers the
 * same. 409 `payment_not_cancelable` once the payment succeeded (or Stripe says it is past cancelling).
 */
export async function cancelPayment(deps: PaymentsApiDeps, input: { clinicId: string; paymentId: string }) {
  const { clinicId, paymentId } = input;
  const record = await deps.payments.find(clinicId, paymentId);
  if (!record) throw new NotFoundError('payment_not_found', `No payment ${paymentId} in this clinic.`);
  if (record.status === 'succeeded') throw notCancelable('it succeeded');
  if (record.status !== 'canceled') {
    const connection = await requireModeSecrets(deps.secrets, clinicId, record.mode);
    const canceled = await deps.gateway
      .cancelPaymentIntent(connection.secretKey, paymentId)
      .catch((error: unknown) => {
        // Stripe cancels only what has not succeeded (and is not processing): its refusal of the state is ours.
        if (
          error instanceof StripeRequestRejectedError &&
          error.stripeCode === 'payment_intent_unexpected_state'
        )
          throw notCancelable('Stripe says it is past cancelling');
        throw error;
      });
    const paymentIntent = parsePaymentIntent(canceled);
    await applyPaymentIntentFacts(
      deps,
      { clinicId, mode: record.mode },
      {
        eventId: `api_${paymentIntent.id}_${paymentIntent.status}`,
        eventCreated: canceled.canceled_at ?? Math.floor(deps.now().getTime() / 1000),
        paymentIntent,
      },
    );
  }
  if (record.bookingId) {
    await releaseBooking(deps, { clinicId, mode: record.mode, bookingId: record.bookingId }, paymentId);
  }
  const stored = await deps.payments.slice(clinicId, record.mode, paymentId);
  if (!stored) throw new NotFoundError('payment_not_found', `No payment ${paymentId} in this clinic.`);
  return toPaymentView(stored.payment, stored);
}
