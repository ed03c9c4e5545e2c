import { createHash } from 'node:crypto';

/**
 * The Idempotency-Key sent to Stripe for one Basis operation: a fixed-length digest (well within Stripe's 255
 * characters) of the operation's parts, so that a double click, a retry or a redelivery sends the same key and Stripe
 * does the thing once.
 */
export function idempotencyKeyOf(operation: string, ...parts: readonly (string | number)[]): string {
  const digest = createHash('sha256')
    .update(JSON.stringify([operation, ...parts]))
    .digest('hex');
  return `basis-${operation}-${digest.slice(0, 48)}`;
}
