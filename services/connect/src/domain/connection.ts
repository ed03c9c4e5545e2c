import { createHash } from 'node:crypto';
import {
  type ClinicSecrets,
  type Mode,
  type ModeSecrets,
  modes,
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

/** A mode's connection as the API shows it (docs/api.md, "Stripe connection"): never a secret. */
export const connectedViewSchema = z
  .object({
    mode: z.enum(modes),
    status: z.literal('connected'),
    accountId: z.string().nullable().meta({ example: 'acct_…' }),
    publishableKey: z.string().meta({ example: 'pk_test_…' }),
    secretKeyLast4: z.string(),
    webhook: z.object({
      url: z.string().nullable(),
      managed: z.boolean().meta({ description: 'true: Basis registered the endpoint and holds its secret.' }),
      endpointId: z.string().nullable().meta({ example: 'we_…' }),
    }),
    connectedAt: z.iso.datetime(),
    health: z
      .object({
        status: z.enum(['healthy', 'needs_attention', 'not_connected']),
        checkedAt: z.iso.datetime(),
        failing: z.array(z.string()).meta({ description: 'The names of the checks that failed.' }),
      })
      .nullable()
      .optional()
      .meta({ description: 'The last health check of this endpoint and secret; null until one ran.' }),
  })
  .meta({ id: 'StripeConnection' });

export const connectionViewSchema = z
  .union([
    connectedViewSchema,
    z.object({ status: z.literal('not_connected') }).meta({ id: 'StripeNotConnected' }),
  ])
  .meta({ id: 'StripeConnectionStatus' });

export type ConnectionView = z.infer<typeof connectionViewSchema>;

/** `GET …/stripe`: both modes. */
export const connectionsViewSchema = z
  .object({ test: connectionViewSchema, live: connectionViewSchema })
  .meta({ id: 'StripeConnections' });
export type ConnectionsView = z.infer<typeof connectionsViewSchema>;

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

/** `GET …/stripe/{mode}/health` (docs/api.md, "Stripe connection health"). */
export const connectionHealthViewSchema = z
  .object({
    mode: z.enum(modes),
    status: z.enum(['healthy', 'needs_attention', 'not_connected']),
    checkedAt: z.iso.datetime(),
    checks: z.array(
      z
        .object({
          name: z.string(),
          ok: z.boolean(),
          detail: z.string().meta({ description: 'What was found and, when not ok, what to do.' }),
        })
        .meta({ id: 'HealthCheck' }),
    ),
    lastEventReceivedAt: z.iso.datetime().nullable(),
  })
  .meta({ id: 'StripeConnectionHealth' });
