import type { ErrorCode } from '../errors/error-codes.ts';
import { BasisError, ConflictError } from '../errors/errors.ts';
import { countStripeCallFailure, type StripeFailureKind } from './stripe-call-metrics.ts';
import { stripeErrorClasses } from './stripe-sdk.ts';

/**
 * Stripe answered and refused: a revoked or rolled key, a missing permission, a missing object, an invalid request.
 * Such an answer proves Stripe did nothing, so the operation can be recorded as failed with this reason and its
 * money made available again; only a `StripeUnavailableError` leaves an outcome unknown.
 */
export abstract class StripeRefusalError extends BasisError {
  constructor(
    code: ErrorCode,
    message: string,
    /** Stripe's own error code when it sent one (e.g. `resource_missing`, `charge_already_refunded`). */
    readonly stripeCode: string | undefined,
  ) {
    super(code, message);
  }
}

/** Whether Stripe refused (and so certainly did nothing), as opposed to an unknown outcome. */
export function isStripeRefusal(error: unknown): error is StripeRefusalError {
  return error instanceof StripeRefusalError;
}

/**
 * Stripe refused the clinic's key itself (401): wrong, revoked, rolled or of another mode. The admin must
 * reconnect: 409 `stripe_key_rejected`, never a 500 (docs/api.md).
 */
export class StripeKeyRejectedError extends StripeRefusalError {
  readonly failureKind: StripeFailureKind = 'key_rejected';
  constructor(message: string, stripeCode?: string) {
    super(
      'stripe_key_rejected',
      `Stripe refused this clinic's key; an admin must reconnect Stripe. (${message})`,
      stripeCode,
    );
  }
}

/** A restricted key lacks a permission the call needs (403): also `stripe_key_rejected`, naming the permission. */
export class StripePermissionDeniedError extends StripeRefusalError {
  readonly failureKind: StripeFailureKind = 'permission';
  constructor(message: string, stripeCode?: string) {
    super(
      'stripe_key_rejected',
      `This clinic's Stripe key lacks a permission; an admin must reconnect Stripe. (${message})`,
      stripeCode,
    );
  }
}

/**
 * The object does not exist on this account (`resource_missing`: 404 for the object of the URL, 400 for an object a
 * parameter names), e.g. after a re-connect to another account or a deletion in the Dashboard. `param` names the
 * parameter when Stripe says which (`customer`, `payment_intent`, …).
 */
export class StripeObjectMissingError extends StripeRefusalError {
  readonly failureKind: StripeFailureKind = 'object_missing';
  constructor(
    message: string,
    readonly param?: string,
  ) {
    super('stripe_object_missing', message, 'resource_missing');
  }
}

/** Stripe understood the request and refused it (400): e.g. a refund larger than what Stripe still holds. */
export class StripeRequestRejectedError extends StripeRefusalError {
  readonly failureKind: StripeFailureKind = 'rejected';
  constructor(message: string, stripeCode: string | undefined) {
    super('stripe_error', `Stripe refused the request: ${message}`, stripeCode);
  }
}

/** Stripe failed, could not be reached, or answered something we did not expect: the outcome is unknown. */
export class StripeUnavailableError extends BasisError {
  readonly failureKind: StripeFailureKind = 'unavailable';
  constructor(message = 'Stripe could not complete the request. Please try again.', cause?: unknown) {
    super('stripe_error', message);
    if (cause) this.cause = cause;
  }
}

/**
 * Turns an error of the Stripe SDK into ours. Stripe's message is kept only where it speaks about the request (it
 * never contains the key: Stripe masks keys in messages). Only a timeout, a 5xx or a network failure becomes
 * `StripeUnavailableError`: every other answer proves Stripe did nothing. Every failure is counted
 * (`StripeCallFailed` by kind) in the invocation that saw it. Async because it reads the SDK's error classes through
 * `import('stripe')` (already evaluated once a call has thrown), so that this module loads no SDK.
 */
export async function translateStripeError(error: unknown): Promise<Error> {
  const translated = stripeErrorOf(error, await stripeErrorClasses());
  if ('failureKind' in translated) countStripeCallFailure(translated.failureKind as StripeFailureKind);
  return translated;
}

function stripeErrorOf(error: unknown, errors: Awaited<ReturnType<typeof stripeErrorClasses>>): Error {
  if (error instanceof errors.StripeAuthenticationError)
    return new StripeKeyRejectedError(error.message, error.code);
  if (error instanceof errors.StripePermissionError)
    return new StripePermissionDeniedError(error.message, error.code);
  if (error instanceof errors.StripeIdempotencyError) {
    return new ConflictError(
      'request_in_progress',
      'The same operation is under way with other details; try again.',
    );
  }
  if (
    error instanceof errors.StripeInvalidRequestError &&
    (error.statusCode === 404 || error.code === 'resource_missing')
  ) {
    return new StripeObjectMissingError(error.message, error.param);
  }
  if (error instanceof errors.StripeInvalidRequestError && error.statusCode === 400) {
    return new StripeRequestRejectedError(error.message, error.code);
  }
  return new StripeUnavailableError(undefined, error);
}

/** Runs one Stripe SDK call, translating its errors (see `translateStripeError`). */
export async function callStripe<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw await translateStripeError(error);
  }
}
