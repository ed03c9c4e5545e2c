import {
  ConflictError,
  handledEventTypes,
  type Mode,
  type ModeSecrets,
  requireModeSecrets,
} from '@basis/shared';
import {
  type ConnectionView,
  connectionView,
  endpointIdempotencyKey,
  managedRollGraceMs,
  nextGenerations,
  rollWebhookSecrets,
} from '../domain/connection.ts';
import type { WebhookEndpointFacts } from '../domain/connection-health.ts';
import type { ConnectDeps } from '../ports.ts';
import { exclusively, webhookUrl } from './connect-stripe.ts';

function needsRepair(endpoint: WebhookEndpointFacts | null, url: string): boolean {
  if (endpoint?.status !== 'enabled' || endpoint.url !== url) return true;
  if (endpoint.enabledEvents.includes('*')) return false;
  return handledEventTypes.some((type) => !endpoint.enabledEvents.includes(type));
}

/**
 * `POST /v1/clinics/{clinicId}/stripe/{mode}/webhook/repair`: when the managed endpoint was deleted or disabled on
 * Stripe (or no longer points at this clinic or misses event types), registers a new one, as a re-connect does:
 * its signing secret becomes current, the old one stays valid for the managed grace period, and the old endpoint
 * is deleted. An endpoint in order is left alone (a repeat changes nothing). An admin-given endpoint is the admin's
 * to fix: 409 `webhook_not_managed`. A key Stripe refuses: 409 `stripe_key_rejected`.
 */
export async function repairWebhook(
  deps: ConnectDeps,
  input: { clinicId: string; mode: Mode },
): Promise<ConnectionView> {
  const { clinicId, mode } = input;
  await requireModeSecrets(deps.secrets, clinicId, mode);
  return exclusively(deps, clinicId, async () => {
    const existing = await deps.secrets.get(clinicId);
    const current = existing?.[mode];
    if (!existing || !current) {
      throw new ConflictError(
        'stripe_not_connected',
        `This clinic has not connected Stripe in ${mode} mode.`,
      );
    }
    if (!current.webhook.managed || !current.webhook.endpointId) {
      throw new ConflictError(
        'webhook_not_managed',
        'This connection uses a webhook endpoint and signing secret the admin set up; Basis does not manage it. Fix it in the Stripe Dashboard and connect again with its signing secret, or connect again without webhookSecret so that Basis manages the endpoint.',
      );
    }
    const url = webhookUrl(deps.publicBaseUrl, clinicId, mode);
    const endpoint = await deps.stripe.webhookEndpoint(current.secretKey, current.webhook.endpointId);
    if (!needsRepair(endpoint, url)) return connectionView(mode, current);

    // A new generation makes a new idempotency key: the connect's key would replay the endpoint that is gone.
    const generations = nextGenerations(existing, mode);
    const now = deps.now();
    const created = await deps.stripe.createWebhookEndpoint(current.secretKey, {
      url,
      enabledEvents: handledEventTypes,
      apiVersion: deps.apiVersion,
      clinicId,
      idempotencyKey: endpointIdempotencyKey(clinicId, mode, generations[mode], current.secretKey),
    });
    const repaired: ModeSecrets = {
      ...current,
      webhookSecrets: rollWebhookSecrets(current.webhookSecrets, created.secret, now, managedRollGraceMs),
      webhook: { managed: true, endpointId: created.endpointId, url, repairedAt: now.toISOString() },
    };
    await deps.secrets.put({ ...existing, [mode]: repaired, generations });
    if (endpoint) {
      // The disabled (or misdirected) endpoint would otherwise deliver again if someone re-enabled it.
      await deps.stripe.deleteWebhookEndpoint(current.secretKey, endpoint.id).catch((error: unknown) =>
        deps.logger.warn('could not delete the replaced webhook endpoint', {
          endpointId: endpoint.id,
          reason: error instanceof Error ? error.name : 'unknown',
        }),
      );
    }
    deps.logger.info('webhook endpoint repaired', {
      clinicId,
      mode,
      previousEndpointId: current.webhook.endpointId,
      endpointId: created.endpointId,
      previousState: endpoint ? endpoint.status : 'deleted',
    });
    return connectionView(mode, repaired);
  });
}
