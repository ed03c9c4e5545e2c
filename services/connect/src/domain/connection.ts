import { createHash } from 'node:crypto';
import {
  type ClinicSecrets,
  type Mode,
  type ModeSecrets,
  stripeIdempotencyKey,
  ValidationError,
} from '@basis/shared';
import * as z from 'zod';

export const connectBodySchema = z.strictObject({
  publishableKey: z.string().min(1).max(255),
  secretKey: z.string().min(1).max(255),
  webhookSecret: z.string().min(1).max(255).optional(),
});
export type ConnectBody = z.infer<typeof connectBodySchema>;

/** A managed endpoint's previous secret: long enough for a delivery signed just before the old endpoint went. */
export const managedRollGraceMs = 10 * 60 * 1000;
/** An admin-managed secret that was replaced stays valid as long as Stripe keeps a rolled secret: 24 hours. */
export const adminRollGraceMs = 24 * 60 * 60 * 1000;

/** Key prefixes must match the mode: `pk_test_`, `sk_test_`/`rk_test_` for test; `_live_` for live. */
export function checkKeyPrefixes(mode: Mode, body: ConnectBody): void {
  if (!new RegExp(`^pk_${mode}_\\w+$`).test(body.publishableKey)) {
    throw new ValidationError(
      'publishableKey',
      `The publishable key must be a ${mode}-mode key (pk_${mode}_…).`,
    );
  }
  if (!new RegExp(`^(sk|rk)_${mode}_\\w+$`).test(body.secretKey)) {
    throw new ValidationError(
      'secretKey',
      `The secret key must be a ${mode}-mode key (sk_${mode}_… or rk_${mode}_…).`,
    );
  }
  if (body.webhookSecret !== undefined && !/^whsec_\w+$/.test(body.webhookSecret)) {
    throw new ValidationError('webhookSecret', 'The webhook signing secret must start with whsec_.');
  }
}

/**
 * The signing secrets after `current` becomes the current one. The secrets it replaces stay valid for `graceMs`
 * (or until their own earlier expiry); expired ones are dropped.
 */
export function rollWebhookSecrets(
  existing: ModeSecrets['webhookSecrets'],
  current: string,
  now: Date,
  graceMs: number,
): ModeSecrets['webhookSecrets'] {
  const graceEnd = now.getTime() + graceMs;
  const previous = existing
    .filter((entry) => entry.secret !== current)
    .map((entry) => {
      const expiresAt = entry.expiresAt === null ? graceEnd : Math.min(Date.parse(entry.expiresAt), graceEnd);
      return { secret: entry.secret, expiresAt };
    })
    .filter((entry) => entry.expiresAt > now.getTime())
    .map((entry) => ({ secret: entry.secret, expiresAt: new Date(entry.expiresAt).toISOString() }));
  return [{ secret: current, expiresAt: null }, ...previous];
}

/**
 * The idempotency key of the endpoint a connect registers: the same clinic, mode, connect generation and key make
 * the same key, so a double-clicked Save creates one endpoint; the next connect (a new generation) a new one.
 */
export function endpointIdempotencyKey(
  clinicId: string,
  mode: Mode,
  generation: number,
  secretKey: string,
): string {
  // The key itself only as a digest (it is a secret); the whole key a fixed-length digest within Stripe's limit.
  const keyDigest = createHash('sha256').update(secretKey).digest('hex');
  return stripeIdempotencyKey('connect', clinicId, mode, String(generation), keyDigest);
}

export function nextGenerations(
  secrets: ClinicSecrets | undefined,
  mode: Mode,
): { test: number; live: number } {
  const generations = secrets?.generations ?? { test: 0, live: 0 };
  return { ...generations, [mode]: generations[mode] + 1 };
}

export type ConnectionView =
  | { status: 'not_connected' }
  | {
      mode: Mode;
      status: 'connected';
      accountId: string | null;
      publishableKey: string;
      secretKeyLast4: string;
      webhook: { url: string | null; managed: boolean; endpointId: string | null };
      connectedAt: string;
    };

/** What the API shows of a connection: never a secret key or signing secret. */
export function connectionView(mode: Mode, secrets: ModeSecrets | undefined): ConnectionView {
  if (!secrets) return { status: 'not_connected' };
  return {
    mode,
    status: 'connected',
    accountId: secrets.accountId,
    publishableKey: secrets.publishableKey,
    secretKeyLast4: secrets.secretKey.slice(-4),
    webhook: { ...secrets.webhook },
    connectedAt: secrets.connectedAt,
  };
}
