import { idempotencyError, invalidRequest } from './errors.ts';
import type { FormParams } from './form.ts';
import type { AccountState, IdempotencyRecord } from './store.ts';

/**
 * Stripe's idempotency for POST: per account, the first answer (status and body) to a key is saved
 * once the endpoint started executing and replayed for 24 hours; the same key on another endpoint or
 * with other parameters is a 400 `idempotency_error`.
 */
export const IDEMPOTENCY_RETENTION_MS = 24 * 3600 * 1000;
const MAX_KEY_LENGTH = 255;

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b));
    return Object.fromEntries(entries.map(([key, entry]) => [key, canonical(entry)]));
  }
  return value;
}

export function fingerprintParams(params: FormParams): string {
  return JSON.stringify(canonical(params));
}

/** The saved answer to replay, or undefined for a new key; throws on misuse of a key. */
export function findReplay(
  account: AccountState,
  key: string,
  method: string,
  path: string,
  fingerprint: string,
  nowMs: number,
): IdempotencyRecord | undefined {
  if (key.length > MAX_KEY_LENGTH) {
    throw invalidRequest(`Idempotency-Key must be at most ${MAX_KEY_LENGTH} characters long.`);
  }
  const record = account.idempotency.get(key);
  if (!record) return undefined;
  if (nowMs - record.savedAtMs > IDEMPOTENCY_RETENTION_MS) {
    account.idempotency.delete(key);
    return undefined;
  }
  if (record.method !== method || record.path !== path) {
    throw idempotencyError(
      `Keys for idempotent requests can only be used for the same endpoint they were first used for ('${record.method} ${record.path}' vs '${method} ${path}'). Try using a key other than '${key}' if you meant to execute a different request.`,
    );
  }
  if (record.fingerprint !== fingerprint) {
    throw idempotencyError(
      `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${key}' if you meant to execute a different request.`,
    );
  }
  return record;
}
