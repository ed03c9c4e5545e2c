import {
  BasisError,
  type Caller,
  ConflictError,
  ForbiddenError,
  modes,
  opaqueId,
  requireModeSecrets,
  StripeObjectMissingError,
} from '@basis/shared';
import { z } from 'zod';
import { parsePaymentIntent, statusOf } from '../domain/payment-intent-event.ts';
import type { BookingPaymentAnswer } from '../payments-views.ts';
import type { PaymentIntentSummary, PaymentsApiDeps } from '../ports.ts';
import { applyPaymentIntentFacts } from './apply-payment-event.ts';
import { ensureCustomer } from './customers.ts';

export const bookingPaymentBodySchema = z.strictObject({
  mode: z.enum(modes),
  serviceId: opaqueId,
  clientId: opaqueId,
  savePaymentMethod: z.boolean().optional(),
  paymentMethodId: z
    .string()
    .regex(/^pm_\w+$/)
    .optional(),
});
export type BookingPaymentBody = z.infer<typeof bookingPaymentBodySchema>;

/** A client may only act for themself; staff and admins for any client of their clinic. */
export function assertActsFor(caller: Caller, clientId: string): void {
  if (caller.role === 'client' && caller.clientId !== clientId) {
    throw new ForbiddenError('A client may only act for themself.');
  }
}

/**
 * `POST …/bookings/{bookingId}/payment`: the PaymentIntent for the service's price, once per booking and mode.
 * Amount and currency come from the pricing, never from the request. A conditional write claims the booking, and
 * the Idempotency-Key derived from clinic, mode and booking makes any repeat or concurrent request (or a retry after
 * a crash) land on the same PaymentIntent. The payment record is written from the answer, as a webhook would.
 */
export async function createBookingPayment(
  deps: PaymentsApiDeps,
  caller: Caller,
  input: { clinicId: string; bookingId: string; body: BookingPaymentBody },
): Promise<{ created: boolean; payment: BookingPaymentAnswer }> {
  const { clinicId, bookingId, body } = input;
  assertActsFor(caller, body.clientId);
  const pricing = await deps.pricing.get(clinicId, body.serviceId);
  if (!pricing?.requirePaymentAtBooking) {
    throw new ConflictError('payment_not_required', 'This service does not require payment at booking.');
  }
  const connection = await requireModeSecrets(deps.secrets, clinicId, body.mode);
  const idempotencyKey = `basis-booking-${clinicId}-${body.mode}-${bookingId}`;
  const existing = await deps.bookings.get(clinicId, body.mode, bookingId);
  if (existing?.paymentId) {
    // A repeat: the booking's PaymentIntent already exists; answer it as it is now.
    const current = await deps.gateway.retrievePaymentIntent(connection.secretKey, existing.paymentId);
    return answer(deps, { clinicId, bookingId, body }, connection.publishableKey, current, false);
  }
  const claimed =
    existing === undefined &&
    (await deps.bookings.claim({
      clinicId,
      mode: body.mode,
      bookingId,
      paymentId: null,
      idempotencyKey,
      createdAt: deps.now().toISOString(),
    }));

  const customerId = await ensureCustomer(deps, {
    clinicId,
    mode: body.mode,
    clientId: body.clientId,
    secretKey: connection.secretKey,
  });
  if (body.paymentMethodId) {
    const card = await deps.gateway
      .retrievePaymentMethod(connection.secretKey, body.paymentMethodId)
      .catch((error: unknown) => {
        // Unknown to this account is "not theirs"; Stripe being unreachable is not.
        if (error instanceof StripeObjectMissingError) return undefined;
        throw error;
      });
    if (card?.customerId !== customerId) {
      throw new BasisError(
        'payment_method_not_owned',
        'The payment method is not one of this client’s saved cards.',
        { field: 'paymentMethodId' },
      );
    }
  }
  const created = await deps.gateway.createPaymentIntent(connection.secretKey, {
    amount: pricing.amount,
    currency: pricing.currency,
    customerId,
    paymentMethodId: body.paymentMethodId,
    savePaymentMethod: body.savePaymentMethod ?? false,
    // Opaque ids only: no names, service titles or notes reach Stripe.
    metadata: {
      clinic_id: clinicId,
      booking_id: bookingId,
      service_id: body.serviceId,
      client_id: body.clientId,
    },
    idempotencyKey,
  });
  return answer(deps, { clinicId, bookingId, body }, connection.publishableKey, created, claimed);
}

async function answer(
  deps: PaymentsApiDeps,
  input: { clinicId: string; bookingId: string; body: BookingPaymentBody },
  publishableKey: string,
  summary: PaymentIntentSummary,
  /** true when this request created the booking's PaymentIntent; false for a repeat. */
  created: boolean,
): Promise<{ created: boolean; payment: BookingPaymentAnswer }> {
  const { clinicId, bookingId, body } = input;
  const paymentIntent = parsePaymentIntent(summary.paymentIntent);
  if (
    paymentIntent.metadata?.client_id !== body.clientId ||
    paymentIntent.metadata?.service_id !== body.serviceId
  ) {
    throw new ConflictError(
      'booking_payment_conflict',
      'This booking already has a payment for another client or service.',
    );
  }
  await deps.bookings.setPaymentId(clinicId, body.mode, bookingId, paymentIntent.id);
  // Recorded from the answer as a webhook would be: whichever of the two arrives first, the record is the same.
  await applyPaymentIntentFacts(
    deps,
    { clinicId, mode: body.mode },
    {
      eventId: `api_${paymentIntent.id}_${paymentIntent.status}`,
      eventCreated: paymentIntent.created,
      paymentIntent,
    },
  );
  return {
    created,
    payment: {
      paymentId: paymentIntent.id,
      clientSecret: summary.clientSecret,
      publishableKey,
      status: statusOf(paymentIntent),
      amount: paymentIntent.amount,
      currency: paymentIntent.currency,
    },
  };
}
