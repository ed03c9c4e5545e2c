import { createHash } from 'node:crypto';

/**
 * The Idempotency-Key sent to Stripe for one operation of ours: `basis-<operation>-<digest>`, where the digest is
 * SHA-256 (base64url, 43 characters) of every part that identifies the operation (clinic, mode, Stripe account,
 * the caller's own Idempotency-Key, …). Whatever the parts' lengths, the key has a fixed length far within Stripe's
 * 255 characters, and two operations never share one.
 *
 * @param operation a short, fixed name of the kind of operation (`refund`, `customer`, `booking`, …): letters and -.
 * @param parts what makes this operation this one; order matters.
 */
export function stripeIdempotencyKey(operation: string, ...parts: readonly string[]): string {
  if (!/^[a-z][a-z-]{0,31}$/.test(operation)) throw new Error(`Bad idempotency operation name: ${operation}`);
  const digest = createHash('sha256').update(JSON.stringify(parts)).digest('base64url');
  return `basis-${operation}-${digest}`;
}

/** Stripe refuses longer Idempotency-Keys (400). */
export const stripeIdempotencyKeyMaxLength = 255;
