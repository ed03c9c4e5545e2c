import {
  handledEventTypes,
  type Mode,
  type ModeSecrets,
  queues,
  StripeKeyRejectedError,
  StripePermissionDeniedError,
  StripeUnavailableError,
} from '@basis/shared';
import {
  assessHealth,
  type ConnectionHealthView,
  type EndpointFacts,
  type HealthFacts,
  healthWindowStart,
  type KeyFacts,
  webhookSetUpAt,
} from '../domain/connection-health.ts';
import type { ConnectDeps } from '../ports.ts';
import { webhookUrl } from './connect-stripe.ts';

/** Failed events are looked for as far back as a dead-letter queue keeps them. */
const failedEventsLookbackDays = Math.max(...Object.values(queues).map((queue) => queue.dlqRetentionDays));
/** At most this many ledger entries are read per check, so a busy clinic's check costs a bounded read. */
const maxLedgerEntriesRead = 2_000;

type Unchecked = 'key_rejected' | 'unavailable';

/**
 * A Stripe refusal of the key (or of a permission the key lacks: key_permissions names which) or an outage becomes
 * a fact about the check; anything else is a bug and throws.
 */
function uncheckedReason(error: unknown): Unchecked {
  if (error instanceof StripeKeyRejectedError || error instanceof StripePermissionDeniedError)
    return 'key_rejected';
  if (error instanceof StripeUnavailableError) return 'unavailable';
  throw error;
}

async function keyFacts(deps: ConnectDeps, secretKey: string): Promise<KeyFacts> {
  try {
    return { state: 'valid', ...(await deps.stripe.accountOf(secretKey)) };
  } catch (error) {
    // Stripe accepted the key but it may not read the account: key_permissions names what it lacks.
    if (error instanceof StripePermissionDeniedError) return { state: 'valid', accountId: null };
    return { state: uncheckedReason(error) === 'key_rejected' ? 'rejected' : 'unavailable' };
  }
}

async function permissionFacts(
  deps: ConnectDeps,
  connection: ModeSecrets,
): Promise<HealthFacts['permissions']> {
  try {
    return {
      missing: await deps.stripe.missingPermissions(connection.secretKey, connection.webhook.managed),
    };
  } catch (error) {
    return { unchecked: uncheckedReason(error) };
  }
}

async function endpointFacts(deps: ConnectDeps, connection: ModeSecrets): Promise<EndpointFacts> {
  try {
    if (connection.webhook.managed && connection.webhook.endpointId) {
      const endpointId = connection.webhook.endpointId;
      return {
        kind: 'managed',
        endpointId,
        endpoint: await deps.stripe.webhookEndpoint(connection.secretKey, endpointId),
      };
    }
    try {
      return { kind: 'admin', endpoints: await deps.stripe.webhookEndpoints(connection.secretKey) };
    } catch (error) {
      if (error instanceof StripePermissionDeniedError) return { kind: 'admin', endpoints: 'not_permitted' };
      throw error;
    }
  } catch (error) {
    return { kind: 'unchecked', reason: uncheckedReason(error) };
  }
}

/**
 * `GET /v1/clinics/{clinicId}/stripe/{mode}/health`: asks Stripe about the key, its permissions and the webhook
 * endpoint, reads our own records (refused signatures, events only the sweep found, failed events, the last event
 * received), judges them (domain/connection-health.ts) and keeps the verdict for `GET …/stripe`. A key Stripe
 * refuses or a Stripe outage is a failed check with advice, never an error answer.
 */
export async function connectionHealth(
  deps: ConnectDeps,
  input: { clinicId: string; mode: Mode },
): Promise<ConnectionHealthView> {
  const { clinicId, mode } = input;
  const now = deps.now();
  const checkedAt = now.toISOString();
  const connection = (await deps.secrets.get(clinicId))?.[mode];
  if (!connection) return { mode, status: 'not_connected', checkedAt, checks: [], lastEventReceivedAt: null };

  const setUpAt = webhookSetUpAt(connection);
  const since = healthWindowStart(now, setUpAt);
  const key = await keyFacts(deps, connection.secretKey);
  const keyUnchecked: Unchecked | undefined =
    key.state === 'rejected' ? 'key_rejected' : key.state === 'unavailable' ? 'unavailable' : undefined;
  const failedSince = Math.floor(now.getTime() / 1000) - failedEventsLookbackDays * 86_400;
  const [permissions, endpoint, signatureFailures, missedEvents, failedEvents, lastEventReceivedAt] =
    await Promise.all([
      keyUnchecked ? { unchecked: keyUnchecked } : permissionFacts(deps, connection),
      keyUnchecked ? ({ kind: 'unchecked', reason: keyUnchecked } as const) : endpointFacts(deps, connection),
      deps.healthCounters.since(clinicId, mode, 'signature_failures', since, now),
      deps.healthCounters.since(clinicId, mode, 'missed_events', since, now),
      deps.ledger.failedEventsSince(clinicId, mode, failedSince, maxLedgerEntriesRead),
      deps.ledger.lastEventReceivedAt(clinicId, mode),
    ]);

  const base = `/v1/clinics/${clinicId}/stripe/${mode}`;
  const { status, checks } = assessHealth(
    {
      mode,
      accountId: connection.accountId,
      key,
      permissions,
      endpoint,
      signatureFailures,
      missedEvents,
      failedEvents,
      lastEventReceivedAt,
    },
    {
      webhookUrl: connection.webhook.url ?? webhookUrl(deps.publicBaseUrl, clinicId, mode),
      handledEventTypes,
      connectPath: base,
      repairPath: `${base}/webhook/repair`,
      windowText:
        since.toISOString() === setUpAt
          ? `since ${setUpAt} (when the current endpoint and signing secret were set up)`
          : 'in the last 24 h',
    },
  );
  await deps.healthStore.save(clinicId, mode, {
    status,
    checkedAt,
    failing: checks.filter((check) => !check.ok).map((check) => check.name),
    setUpAt,
  });
  return { mode, status, checkedAt, checks, lastEventReceivedAt };
}
