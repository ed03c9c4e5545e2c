import { createHmac, timingSafeEqual } from 'node:crypto';

export type SignatureCheck =
  | { ok: true }
  | { ok: false; code: 'invalid_signature' | 'timestamp_outside_tolerance'; message: string };

interface ParsedHeader {
  timestamp: number;
  v1: Buffer[];
}

function parseHeader(header: string): ParsedHeader | undefined {
  let timestamp: number | undefined;
  const v1: Buffer[] = [];
  for (const part of header.split(',')) {
    const separator = part.indexOf('=');
    if (separator < 0) continue;
    const key = part.slice(0, separator).trim();
    const value = part.slice(separator + 1).trim();
    if (key === 't' && /^\d+$/.test(value)) timestamp = Number(value);
    if (key === 'v1' && /^[0-9a-f]{64}$/i.test(value)) v1.push(Buffer.from(value, 'hex'));
  }
  return timestamp === undefined || v1.length === 0 ? undefined : { timestamp, v1 };
}

/**
 * Verifies a `Stripe-Signature` header the way Stripe documents it: HMAC-SHA256 of `${t}.${rawBody}` with the
 * endpoint's signing secret; any `v1` entry may match (several appear while a secret is being rolled) and any of
 * the given secrets may have made it; the timestamp must be within the tolerance of now.
 */
export function verifyStripeSignature(input: {
  rawBody: Buffer;
  header: string | undefined;
  secrets: readonly string[];
  nowSeconds: number;
  toleranceSeconds: number;
}): SignatureCheck {
  const parsed = input.header ? parseHeader(input.header) : undefined;
  if (!parsed) {
    return {
      ok: false,
      code: 'invalid_signature',
      message: 'The Stripe-Signature header is missing or malformed.',
    };
  }
  const signedPayload = Buffer.concat([Buffer.from(`${parsed.timestamp}.`), input.rawBody]);
  const matches = input.secrets.some((secret) => {
    const expected = createHmac('sha256', secret).update(signedPayload).digest();
    return parsed.v1.some((candidate) => timingSafeEqual(candidate, expected));
  });
  if (!matches) {
    return { ok: false, code: 'invalid_signature', message: 'No signature matches the payload.' };
  }
  if (Math.abs(input.nowSeconds - parsed.timestamp) > input.toleranceSeconds) {
    return {
      ok: false,
      code: 'timestamp_outside_tolerance',
      message: `The signature's timestamp is more than ${input.toleranceSeconds} s from now.`,
    };
  }
  return { ok: true };
}
