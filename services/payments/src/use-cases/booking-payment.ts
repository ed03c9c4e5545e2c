import {
  BasisError,
  type Caller,
  ConflictError,
  ForbiddenError,
  modes,
  opaqueId,
  requireModeSecrets,
  StripeObjectMissingError,
  stripeIdempotencyKey,
  ValidationError,
} from '@basis/shared';
import * as z from 'zod';
import { failureOf, parsePaymentIntent, statusOf } from '../domain/payment-intent-event.ts';
import type { BookingPaymentAnswer } from '../payments-views.ts';
import type { PaymentIntentSummary, PaymentsApiDeps } from '../ports.ts';
import { applyPaymentIntentFacts } from './apply-payment-event.ts';
import { withCustomer } from './customers.ts';

export const bookingPaymentBodySchema = z.strictObject({
  mode: z.enum(modes),
  serviceId: opaqueId,
  clientId: opaqueId,
  savePaymentMethod: z.boolean().optional(),
  paymentMethodId: z
    .string()
    .regex(/^pm_\w+$/)
    .optional(),
  /** Charge the saved `paymentMethodId` now, the client absent (staff and admins only; e.g. a no-show fee). */
  offSession: z.boolean().optional(),
});
export type BookingPaymentBody = z.infer<typeof bookingPaymentBodySchema>;

/** A client may only act for themself; staff and admins for any client of their clinic. */
export function assertActsFor(caller: Caller, clientId: string): void {
  if (caller.role === 'client' && caller.clientId !== clientId) {
    throw new ForbiddenError('A client may only act for themself.');
  }
}

/** The Idempotency-Key of a booking's PaymentIntent: a digest of clinic, mode, booking and what it replaces. */
export function bookingIdempotencyKey(
  clinicId: string,
  mode: BookingPaymentBody['mode'],
  bookingId: string,
  /** The canceled PaymentIntent the next one replaces; null for the booking's first. */
  replacing: string | null,
): string {
  return stripeIdempotencyKey('booking', clinicId, mode, bookingId, replacing ?? '');
}

/**
 * `POST …/bookings/{bookingId}/payment`: the PaymentIntent for the service's price, once per booking and mode.
 * Amount and currency come from the pricing, never from the request. A conditional write claims the booking, and
 * the Idempotency-Key stored with the claim makes any repeat or concurrent request (or a retry after a crash) land
 * on the same PaymentIntent. A booking whose PaymentIntent was canceled is released: the next call makes a new one.
 * The payment record is written from the answer, as a webhook would.
 */
export async function createBookingPayment(
  deps: PaymentsApiDeps,
  caller: Caller,
  input: { clinicId: string; bookingId: string; body: BookingPaymentBody },
): Promise<{ created: boolean; payment: BookingPaymentAnswer }> {
  const { clinicId, bookingId, body } = input;
  assertActsFor(caller, body.clientId);
  if (body.offSession) {
    if (caller.role === 'client') throw new ForbiddenError('Only staff may charge a saved card off-session.');
    if (!body.paymentMethodId) {
      throw new ValidationError(
        'paymentMethodId',
        'An off-session charge needs the paymentMethodId of a saved card.',
      );
    }
  }
  const pricing = await deps.pricing.get(clinicId, body.serviceId);
  if (!pricing?.requirePaymentAtBooking) {
    throw new ConflictError('payment_not_required', 'This service does not require payment at booking.');
  }
  // Read past the cache: nothing is ever made on an account the clinic has just replaced (see `freshSecrets`).
  const connection = await requireModeSecrets(deps.freshSecrets, clinicId, body.mode);
  let existing = await deps.bookings.get(clinicId, body.mode, bookingId);
  if (existing?.paymentId) {
    // A repeat: the booking's PaymentIntent already exists; answer it as it is now.
    const current = await deps.gateway.retrievePaymentIntent(connection.secretKey, existing.paymentId);
    if (current.paymentIntent.status !== 'canceled') {
      return answer(deps, { clinicId, bookingId, body }, connection.publishableKey, current, false);
    }
    // Canceled (here or in the Dashboard): the booking is free again.
    await releaseBooking(deps, { clinicId, mode: body.mode, bookingId }, existing.paymentId);
    existing = await deps.bookings.get(clinicId, body.mode, bookingId);
  }
  const idempotencyKey =
    existing?.idempotencyKey ?? bookingIdempotencyKey(clinicId, body.mode, bookingId, null);
  const claimed =
    (existing === undefined || existing.released === true) &&
    (await deps.bookings.claim({
      clinicId,
      mode: body.mode,
      bookingId,
      paymentId: null,
      idempotencyKey,
      createdAt: deps.now().toISOString(),
    }));

  const created = await withCustomer(
    deps,
    { clinicId, mode: body.mode, clientId: body.clientId, connection },
    async (customerId) => {
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
      return deps.gateway.createPaymentIntent(connection.secretKey, {
        amount: pricing.amount,
        currency: pricing.currency,
        customerId,
        paymentMethodId: body.paymentMethodId,
        savePaymentMethod: body.savePaymentMethod ?? false,
        offSession: body.offSession ?? false,
        // Opaque ids only: no names, service titles or notes reach Stripe.
        metadata: {
          clinic_id: clinicId,
          booking_id: bookingId,
          service_id: body.serviceId,
          client_id: body.clientId,
        },
        idempotencyKey,
      });
    },
  );
  return answer(deps, { clinicId, bookingId, body }, connection.publishableKey, created, claimed);
}

/** Frees a booking from its canceled PaymentIntent: the next PaymentIntent gets a key of its own. */
export async function releaseBooking(
  deps: Pick<PaymentsApiDeps, 'bookings'>,
  booking: { clinicId: string; mode: BookingPaymentBody['mode']; bookingId: string },
  canceledPaymentId: string,
): Promise<void> {
  await deps.bookings.release(
    booking.clinicId,
    booking.mode,
    booking.bookingId,
    canceledPaymentId,
    bookingIdempotencyKey(booking.clinicId, booking.mode, booking.bookingId, canceledPaymentId),
  );
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
      ...(body.offSession ? { failure: failureOf(paymentIntent, statusOf(paymentIntent)) } : {}),
    },
  };
}
