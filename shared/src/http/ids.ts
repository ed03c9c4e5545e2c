import * as z from 'zod/mini';

/**
 * Basis's own ids (clinic, booking, service, client) are opaque: letters, digits, `_` and `-`, at most 64. They end
 * up in DynamoDB keys, Stripe metadata (500 characters) and Idempotency-Keys (255), so nothing else is accepted.
 */
export const opaqueIdPattern = /^[\w-]{1,64}$/;
export const opaqueId = z.string().check(z.regex(opaqueIdPattern, 'must be 1–64 letters, digits, _ or -'));

/** Path parameters and the shape each must have before it is used in a key or a Stripe call. */
export const pathParameterPatterns: Readonly<Record<string, RegExp>> = {
  clinicId: opaqueIdPattern,
  serviceId: opaqueIdPattern,
  bookingId: opaqueIdPattern,
  clientId: opaqueIdPattern,
  planId: opaqueIdPattern,
  membershipId: /^sub_\w{1,250}$/,
  paymentId: /^pi_\w{1,250}$/,
  payoutId: /^po_\w{1,250}$/,
  paymentMethodId: /^pm_\w{1,250}$/,
};
