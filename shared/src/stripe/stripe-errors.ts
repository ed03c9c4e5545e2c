import Stripe from 'stripe';
import { AppError, ConflictError } from '../errors/errors.ts';

/** Stripe refused the key itself (401): wrong, revoked or of another mode. */
export class StripeKeyRejected extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StripeKeyRejected';
  }
}

/** A restricted key lacks a permission (403). */
export class StripePermissionDenied extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StripePermissionDenied';
  }
}

/** The object does not exist on this account (404 resource_missing). */
export class StripeObjectMissing extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StripeObjectMissing';
  }
}

/** Stripe understood the request and refused it (400): e.g. a refund larger than what Stripe still holds. */
export class StripeRequestRejected extends AppError {
  constructor(
    message: string,
    readonly stripeCode: string | undefined,
  ) {
    super(502, 'stripe_error', `Stripe refused the request: ${message}`);
  }
}

/** Stripe failed, could not be reached, or answered something we did not expect: 502 to our caller. */
export class StripeUnavailable extends AppError {
  constructor(message = 'Stripe could not complete the request. Please try again.', cause?: unknown) {
    super(502, 'stripe_error', message);
    if (cause) this.cause = cause;
  }
}

/**
 * Turns an error of the Stripe SDK into ours. The message of Stripe's error is kept only where it speaks about
 * the request (it never contains the key; Stripe masks keys in messages), everything else becomes a 502.
 */
export function translateStripeError(error: unknown): Error {
  if (error instanceof Stripe.errors.StripeAuthenticationError) return new StripeKeyRejected(error.message);
  if (error instanceof Stripe.errors.StripePermissionError) return new StripePermissionDenied(error.message);
  if (error instanceof Stripe.errors.StripeIdempotencyError) {
    return new ConflictError(
      'request_in_progress',
      'The same operation is under way with other details; try again.',
    );
  }
  if (error instanceof Stripe.errors.StripeInvalidRequestError && error.statusCode === 404) {
    return new StripeObjectMissing(error.message);
  }
  if (error instanceof Stripe.errors.StripeInvalidRequestError && error.statusCode === 400) {
    return new StripeRequestRejected(error.message, error.code);
  }
  return new StripeUnavailable(undefined, error);
}

export async function callStripe<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw translateStripeError(error);
  }
}
