/**
 * Every error code the HTTP API answers with, and its status: the one table that maps codes to HTTP (the route
 * kit reads it; use cases and adapters throw errors that carry only a code). The contract (docs/api.md) names
 * these codes; a frontend branches on them, so a code never changes meaning.
 */
export const errorStatusByCode = {
  validation_failed: 400,
  invalid_stripe_key: 400,
  insufficient_key_permissions: 400,
  invalid_signature: 400,
  timestamp_outside_tolerance: 400,
  livemode_mismatch: 400,
  malformed_event: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  clinic_not_connected: 404,
  payment_not_found: 404,
  payment_method_not_found: 404,
  pricing_not_found: 404,
  payout_not_found: 404,
  plan_not_found: 404,
  membership_not_found: 404,
  payload_too_large: 413,
  connection_change_in_progress: 409,
  stripe_not_connected: 409,
  stripe_key_rejected: 409,
  stripe_object_missing: 409,
  payment_not_required: 409,
  payment_not_refundable: 409,
  payment_not_cancelable: 409,
  booking_payment_conflict: 409,
  request_in_progress: 409,
  webhook_not_managed: 409,
  plan_inactive: 409,
  membership_exists: 409,
  payment_method_not_owned: 422,
  refund_exceeds_remaining: 422,
  refund_rejected: 422,
  internal_error: 500,
  stripe_error: 502,
  enqueue_failed: 503,
  service_unavailable: 503,
} as const satisfies Record<string, number>;

export type ErrorCode = keyof typeof errorStatusByCode;

/** The HTTP status of an error code. */
export function httpStatusOf(code: ErrorCode): number {
  return errorStatusByCode[code];
}
