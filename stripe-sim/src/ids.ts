import { createHash, randomBytes } from 'node:crypto';

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

function toAlphabet(bytes: Uint8Array, length: number): string {
  let text = '';
  for (let index = 0; index < length; index += 1) text += ALPHABET[(bytes[index] ?? 0) % ALPHABET.length];
  return text;
}

/** A random string of Stripe-id characters, from node:crypto. */
export function randomToken(length: number): string {
  return toAlphabet(randomBytes(length), length);
}

/** A new object id such as `pi_3Qx…` (prefix plus 24 random characters, as Stripe's look). */
export function newId(prefix: string): string {
  return `${prefix}_${randomToken(24)}`;
}

/** A stable token derived from some input (used for account ids and card fingerprints). */
export function derivedToken(input: string, length: number): string {
  return toAlphabet(createHash('sha256').update(input).digest(), length);
}
