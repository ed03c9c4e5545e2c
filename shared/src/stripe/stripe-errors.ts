import Stripe from 'stripe';
import { BasisError, ConflictError } from '../errors/errors.ts';
import { countStripeCallFailure, type StripeFailureKind } from './stripe-call-metrics.ts';

/**
 * Stripe refused the clinic's key itself (401): wrong, revoked, rolled or of another mode. The admin must
 * reconnect: 409 `stripe_key_rejected`, never a 500 (docs/api.md).
 */
export class StripeKeyRejectedError extends BasisError {
  readonly failureKind: StripeFailureKind = 'key_rejected';
  constructor(message: string) {
    super(
      'stripe_key_rejected',
      `Stripe refused this clinic's key; an admin must reconnect Stripe. (${message})`,
    );
  }
}

/** A restricted key lacks a permission the call needs (403): also `stripe_key_rejected`, naming the permission. */
export class StripePermissionDeniedError extends BasisError {
  readonly failureKind: StripeFailureKind = 'permission';
  constructor(message: string) {
    super(
      'stripe_key_rejected',
      `This clinic's Stripe key lacks a permission; an admin must reconnect Stripe. (${message})`,
    );
  }
}

/** The object does not exist on this account (404 `resource_missing`), e.g. after a re-connect to another account. */
export class StripeObjectMissingError extends BasisError {
  readonly failureKind: StripeFailureKind = 'object_missing';
  constructor(message: string) {
    super('stripe_object_missing', message);
  }
}

/** Stripe understood the request and refused it (400): e.g. a refund larger than what Stripe still holds. */
export class StripeRequestRejectedError extends BasisError {
  readonly failureKind: StripeFailureKind = 'rejected';
  constructor(
    message: string,
    readonly stripeCode: string | undefined,
  ) {
    super('stripe_error', `Stripe refused the request: ${message}`);
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
 * Turns an error of the Stripe SDK into ours, and counts it (`StripeCallFailed` by kind, see stripe-call-metrics.ts):
 * every Stripe call of the code base ends here when it fails, so this is the one place a failure is counted. Stripe's
 * message is kept only where it speaks about the request (it never contains the key: Stripe masks keys in
 * messages). Only a timeout, a 5xx or a network failure becomes `StripeUnavailableError`: every other answer proves
 * Stripe did nothing. An idempotency conflict (our own request racing itself) is not a Stripe failure and not counted.
 */
export function translateStripeError(error: unknown): Error {
  const translated = stripeErrorOf(error);
  if ('failureKind' in translated) countStripeCallFailure(translated.failureKind as StripeFailureKind);
  return translated;
}

function stripeErrorOf(error: unknown): Error {
  if (error instanceof Stripe.errors.StripeAuthenticationError)
    return new StripeKeyRejectedError(error.message);
  if (error instanceof Stripe.errors.StripePermissionError)
    return new StripePermissionDeniedError(error.message);
  if (error instanceof Stripe.errors.StripeIdempotencyError) {
    return new ConflictError(
      'request_in_progress',
      'The same operation is under way with other details; try again.',
    );
  }
  if (error instanceof Stripe.errors.StripeInvalidRequestError && error.statusCode === 404) {
    return new StripeObjectMissingError(error.message);
  }
  if (error instanceof Stripe.errors.StripeInvalidRequestError && error.statusCode === 400) {
    return new StripeRequestRejectedError(error.message, error.code);
  }
  return new StripeUnavailableError(undefined, error);
}

/** Runs one Stripe SDK call, translating its errors (see `translateStripeError`). */
export async function callStripe<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw translateStripeError(error);
  }
}
