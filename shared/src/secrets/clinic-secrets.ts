import * as z from 'zod/mini';
import { ConflictError } from '../errors/errors.ts';
import type { Mode } from '../vocabulary.ts';

const webhookSecretSchema = z.object({
  secret: z.string().check(z.startsWith('whsec_')),
  /** null while current; set when the secret was replaced, so it is accepted until then (a roll). */
  expiresAt: z.nullable(z.iso.datetime()),
});

export const modeSecretsSchema = z.object({
  secretKey: z.string().check(z.regex(/^(sk|rk)_(test|live)_\w+$/)),
  publishableKey: z.string().check(z.regex(/^pk_(test|live)_\w+$/)),
  accountId: z.nullable(z.string()),
  /** Current first; a replaced secret stays until its `expiresAt`. */
  webhookSecrets: z.array(webhookSecretSchema),
  webhook: z.object({
    /** true when Basis registered the endpoint on the clinic's account and owns its lifecycle. */
    managed: z.boolean(),
    endpointId: z.nullable(z.string()),
    url: z.nullable(z.string()),
    /**
     * When the current endpoint and signing secret were set up by a repair (connect sets `connectedAt`): connection
     * health judges webhook trouble only since then, so the trouble a repair fixed stops counting.
     */
    repairedAt: z.optional(z.iso.datetime()),
  }),
  connectedAt: z.iso.datetime(),
});

/** One Secrets Manager secret per clinic, holding both modes' keys and webhook signing secrets. */
export const clinicSecretsSchema = z.object({
  clinicId: z.string().check(z.minLength(1)),
  test: z.optional(modeSecretsSchema),
  live: z.optional(modeSecretsSchema),
  /** Counts connects and disconnects per mode; part of the idempotency key of the endpoint a connect creates. */
  generations: z.optional(
    z.object({ test: z.int().check(z.nonnegative()), live: z.int().check(z.nonnegative()) }),
  ),
});

export type ModeSecrets = z.infer<typeof modeSecretsSchema>;
export type ClinicSecrets = z.infer<typeof clinicSecretsSchema>;

/** The port every reader and writer of clinic secrets uses. */
export interface SecretStore {
  get(clinicId: string): Promise<ClinicSecrets | undefined>;
  put(secrets: ClinicSecrets): Promise<void>;
  delete(clinicId: string): Promise<void>;
}

/** Signing secrets valid at `now`: the current one and any rolled one that has not expired yet. */
export function activeWebhookSecrets(modeSecrets: ModeSecrets, now: Date): string[] {
  return modeSecrets.webhookSecrets
    .filter((entry) => entry.expiresAt === null || Date.parse(entry.expiresAt) > now.getTime())
    .map((entry) => entry.secret);
}

/**
 * The one way to find a clinic's Stripe keys for a mode: its connection, or 409 `stripe_not_connected` (an API
 * answers it; a worker retries, since a connection may be on its way).
 */
export async function requireModeSecrets(
  secrets: SecretStore,
  clinicId: string,
  mode: Mode,
): Promise<ModeSecrets> {
  const connection = (await secrets.get(clinicId))?.[mode];
  if (!connection) {
    throw new ConflictError('stripe_not_connected', `This clinic has not connected Stripe in ${mode} mode.`);
  }
  return connection;
}
