import {
  BasisError,
  type ClinicSecrets,
  ConflictError,
  handledEventTypes,
  httpRoutes,
  type Mode,
  type ModeSecrets,
  StripeKeyRejectedError,
  StripePermissionDeniedError,
  ValidationError,
} from '@basis/shared';
import {
  adminRollGraceMs,
  type ConnectBody,
  type ConnectionsView,
  type ConnectionView,
  checkKeyPrefixes,
  connectionView,
  endpointIdempotencyKey,
  managedRollGraceMs,
  nextGenerations,
  rollWebhookSecrets,
} from '../domain/connection.ts';
import type { ConnectDeps } from '../ports.ts';

/** Stripe refused the key, or the publishable key belongs elsewhere: 400 `invalid_stripe_key`, naming the field. */
class InvalidStripeKeyError extends BasisError {
  constructor(field: 'secretKey' | 'publishableKey', message: string) {
    super('invalid_stripe_key', message, { field });
  }
}

/**
 * Connect and disconnect read, change and write the clinic's one secret: one at a time per clinic, or two
 * requests (test and live at the same moment) could each write over the other's mode.
 */
async function exclusively<T>(deps: ConnectDeps, clinicId: string, work: () => Promise<T>): Promise<T> {
  let ran = false;
  const result = await deps.lock(clinicId, async () => {
    ran = true;
    return work();
  });
  if (!ran) {
    throw new ConflictError(
      'connection_change_in_progress',
      'Another Stripe connection change for this clinic is under way; try again.',
    );
  }
  return result as T;
}

function missingPermissions(missing: string[]): BasisError {
  return new BasisError(
    'insufficient_key_permissions',
    `The restricted key lacks permissions the system needs: ${missing.join(', ')}.`,
    { field: 'secretKey', missing },
  );
}

/** The webhook URL for a clinic and mode, from the topology's webhook routes. */
export function webhookUrl(publicBaseUrl: string, clinicId: string, mode: Mode): string {
  const route = httpRoutes.find((r) => r.auth.kind === 'stripe-signature' && r.auth.mode === mode);
  if (!route) throw new Error(`No webhook route for ${mode} mode`);
  return `${publicBaseUrl.replace(/\/+$/, '')}${route.path.replace('{clinicId}', encodeURIComponent(clinicId))}`;
}

async function verifyKeys(deps: ConnectDeps, body: ConnectBody): Promise<string> {
  let accountId: string;
  try {
    ({ accountId } = await deps.stripe.accountOf(body.secretKey));
  } catch (error) {
    if (error instanceof StripeKeyRejectedError)
      throw new InvalidStripeKeyError('secretKey', 'Stripe refused the secret key.');
    if (error instanceof StripePermissionDeniedError) throw missingPermissions(['account']);
    throw error;
  }
  if (!(await deps.stripe.publishableKeyMatches(body.secretKey, body.publishableKey))) {
    throw new InvalidStripeKeyError(
      'publishableKey',
      'The publishable key is unknown to Stripe or belongs to another account than the secret key.',
    );
  }
  const missing = await deps.stripe.missingPermissions(body.secretKey, body.webhookSecret === undefined);
  if (missing.length > 0) throw missingPermissions(missing);
  return accountId;
}

async function deleteOldEndpoint(deps: ConnectDeps, old: ModeSecrets | undefined, keep: string | null) {
  if (!old?.webhook.managed || !old.webhook.endpointId || old.webhook.endpointId === keep) return;
  try {
    await deps.stripe.deleteWebhookEndpoint(old.secretKey, old.webhook.endpointId);
  } catch (error) {
    // A revoked old key cannot delete its endpoint; the clinic can remove it in the dashboard. Not fatal.
    deps.logger.warn('could not delete the previous webhook endpoint', {
      endpointId: old.webhook.endpointId,
      reason: error instanceof Error ? error.name : 'unknown',
    });
  }
}

/**
 * `PUT /v1/clinics/{clinicId}/stripe/{mode}`: verify the keys with Stripe, register the webhook endpoint when the
 * admin gave no signing secret, store everything in the clinic's secret, then retire what it replaced. Nothing is
 * stored unless every check passed. Old and new signing secrets are both accepted until the old endpoint is gone.
 */
export async function connectStripe(
  deps: ConnectDeps,
  input: { clinicId: string; mode: Mode; body: ConnectBody },
): Promise<ConnectionView> {
  const { clinicId, mode, body } = input;
  checkKeyPrefixes(mode, body);
  const accountId = await verifyKeys(deps, body);
  return exclusively(deps, clinicId, async () => {
    const existing = await deps.secrets.get(clinicId);
    const previous = existing?.[mode];
    const generations = nextGenerations(existing, mode);
    const now = deps.now();
    const url = webhookUrl(deps.publicBaseUrl, clinicId, mode);

    let modeSecrets: ModeSecrets;
    if (body.webhookSecret === undefined) {
      const endpoint = await deps.stripe.createWebhookEndpoint(body.secretKey, {
        url,
        enabledEvents: handledEventTypes,
        apiVersion: deps.apiVersion,
        clinicId,
        idempotencyKey: endpointIdempotencyKey(clinicId, mode, generations[mode], body.secretKey),
      });
      modeSecrets = {
        secretKey: body.secretKey,
        publishableKey: body.publishableKey,
        accountId,
        webhookSecrets: rollWebhookSecrets(
          previous?.webhookSecrets ?? [],
          endpoint.secret,
          now,
          managedRollGraceMs,
        ),
        webhook: { managed: true, endpointId: endpoint.endpointId, url },
        connectedAt: now.toISOString(),
      };
    } else {
      const grace = previous?.webhook.managed ? managedRollGraceMs : adminRollGraceMs;
      modeSecrets = {
        secretKey: body.secretKey,
        publishableKey: body.publishableKey,
        accountId,
        webhookSecrets: rollWebhookSecrets(previous?.webhookSecrets ?? [], body.webhookSecret, now, grace),
        webhook: { managed: false, endpointId: null, url },
        connectedAt: now.toISOString(),
      };
    }
    const next: ClinicSecrets = { ...existing, clinicId, [mode]: modeSecrets, generations };
    await deps.secrets.put(next);
    await deps.connections.add(clinicId, mode);
    await deleteOldEndpoint(deps, previous, modeSecrets.webhook.endpointId);
    deps.logger.info('stripe connected', {
      clinicId,
      mode,
      accountId,
      managedWebhook: modeSecrets.webhook.managed,
      secretKeyLast4: body.secretKey.slice(-4),
    });
    return connectionView(mode, modeSecrets);
  });
}

/** `GET /v1/clinics/{clinicId}/stripe`: both modes, never a secret. */
export async function stripeConnections(
  deps: Pick<ConnectDeps, 'secrets'>,
  clinicId: string,
): Promise<ConnectionsView> {
  const secrets = await deps.secrets.get(clinicId);
  return { test: connectionView('test', secrets?.test), live: connectionView('live', secrets?.live) };
}

/**
 * `DELETE /v1/clinics/{clinicId}/stripe/{mode}`: delete the managed endpoint on Stripe, remove the mode's keys.
 * From then webhooks to that mode answer 404; stored payments stay. Disconnecting twice is not an error.
 */
export async function disconnectStripe(
  deps: ConnectDeps,
  input: { clinicId: string; mode: Mode },
): Promise<void> {
  await exclusively(deps, input.clinicId, async () => {
    const existing = await deps.secrets.get(input.clinicId);
    const previous = existing?.[input.mode];
    if (!existing || !previous) return undefined;
    const { [input.mode]: _removed, ...rest } = existing;
    await deps.secrets.put({
      ...rest,
      clinicId: input.clinicId,
      generations: nextGenerations(existing, input.mode),
    });
    await deps.connections.remove(input.clinicId, input.mode);
    await deleteOldEndpoint(deps, previous, null);
    deps.logger.info('stripe disconnected', { clinicId: input.clinicId, mode: input.mode });
    return undefined;
  });
}

export function parseMode(value: string | undefined): Mode {
  if (value === 'test' || value === 'live') return value;
  throw new ValidationError('mode', 'The mode must be test or live.');
}
