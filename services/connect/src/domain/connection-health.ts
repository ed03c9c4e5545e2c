import type { FailedEventsSummary, Mode, ModeSecrets } from '@basis/shared';

/** A webhook endpoint as Stripe shows it, reduced to what health judges. */
export interface WebhookEndpointFacts {
  id: string;
  url: string;
  status: 'enabled' | 'disabled';
  enabledEvents: readonly string[];
}

/** What Stripe said about the key (`GET /v1/account` with it). */
export type KeyFacts =
  /** `accountId` null: a restricted key that may not read the account (key_permissions says so). */
  { state: 'valid'; accountId: string | null } | { state: 'rejected' } | { state: 'unavailable' };

/** The endpoint as found on Stripe: ours by id (managed), or the ones pointing at our URL (admin-given secret). */
export type EndpointFacts =
  | { kind: 'managed'; endpointId: string; endpoint: WebhookEndpointFacts | null }
  | { kind: 'admin'; endpoints: readonly WebhookEndpointFacts[] | 'not_permitted' }
  | { kind: 'unchecked'; reason: 'key_rejected' | 'unavailable' };

/** A count kept by the health counters: how many since the window's start, and when the last one was. */
export interface CountFacts {
  count: number;
  lastAt: string | null;
}

/** Everything a health check found, from Stripe and from our own records; `assessHealth` judges it. */
export interface HealthFacts {
  mode: Mode;
  /** The account the connection was made with. */
  accountId: string | null;
  key: KeyFacts;
  /** Permissions the key lacks, or why they could not be checked. */
  permissions: { missing: readonly string[] } | { unchecked: 'key_rejected' | 'unavailable' };
  endpoint: EndpointFacts;
  /** Deliveries refused for a bad signature since the window's start. */
  signatureFailures: CountFacts;
  /** Events only the missed-event sweep found since the window's start. */
  missedEvents: CountFacts;
  failedEvents: FailedEventsSummary;
  lastEventReceivedAt: string | null;
}

export const healthCheckNames = [
  'key_valid',
  'key_permissions',
  'webhook_endpoint',
  'signature_failures',
  'missed_events',
  'failed_events',
] as const;
export type HealthCheckName = (typeof healthCheckNames)[number];

export interface HealthCheck {
  name: HealthCheckName;
  ok: boolean;
  /** What was found and, when not ok, what to do. */
  detail: string;
}

export type HealthStatus = 'healthy' | 'needs_attention' | 'not_connected';

/** Where the advice points: this clinic's webhook URL and the API paths that fix things. */
export interface HealthContext {
  webhookUrl: string;
  handledEventTypes: readonly string[];
  /** `PUT /v1/clinics/{clinicId}/stripe/{mode}` */
  connectPath: string;
  /** `POST /v1/clinics/{clinicId}/stripe/{mode}/webhook/repair` */
  repairPath: string;
  /** The window the counts cover, for the wording (e.g. "in the last 24 h" or "since the repair at …"). */
  windowText: string;
}

const reconnect = (context: HealthContext) =>
  `Create a new secret or restricted key in the Stripe Dashboard (Developers → API keys) and connect again with it (PUT ${context.connectPath}).`;

function keyValid(facts: HealthFacts, context: HealthContext): HealthCheck {
  switch (facts.key.state) {
    case 'rejected':
      return {
        name: 'key_valid',
        ok: false,
        detail: `Stripe refuses the secret key Basis holds: it was revoked, rolled or deleted. Payments, refunds and the missed-event sweep fail until it is replaced. ${reconnect(context)}`,
      };
    case 'unavailable':
      return {
        name: 'key_valid',
        ok: false,
        detail: 'Stripe could not be reached to check the key. Check again in a minute.',
      };
    case 'valid':
      if (facts.accountId && facts.key.accountId && facts.key.accountId !== facts.accountId) {
        return {
          name: 'key_valid',
          ok: false,
          detail: `The key now belongs to account ${facts.key.accountId}, not ${facts.accountId} it was connected with. Connect again (PUT ${context.connectPath}) so that Basis knows which account it works with.`,
        };
      }
      return {
        name: 'key_valid',
        ok: true,
        detail: `Stripe accepts the key (account ${facts.key.accountId ?? facts.accountId ?? 'unknown'}).`,
      };
  }
}

function keyPermissions(facts: HealthFacts, context: HealthContext): HealthCheck {
  if ('unchecked' in facts.permissions) {
    return {
      name: 'key_permissions',
      ok: false,
      detail:
        facts.permissions.unchecked === 'key_rejected'
          ? 'Not checked: Stripe refuses the key (see key_valid).'
          : 'Stripe could not be reached to check the key’s permissions. Check again in a minute.',
    };
  }
  if (facts.permissions.missing.length > 0) {
    return {
      name: 'key_permissions',
      ok: false,
      detail: `The restricted key may not use: ${facts.permissions.missing.join(', ')}. Give it these permissions in the Stripe Dashboard (Developers → API keys → edit the key), or connect again with a key that has them (PUT ${context.connectPath}).`,
    };
  }
  return { name: 'key_permissions', ok: true, detail: 'The key may do everything Basis asks of Stripe.' };
}

function missingEventTypes(endpoint: WebhookEndpointFacts, context: HealthContext): string[] {
  if (endpoint.enabledEvents.includes('*')) return [];
  return context.handledEventTypes.filter((type) => !endpoint.enabledEvents.includes(type));
}

function managedEndpoint(
  facts: Extract<EndpointFacts, { kind: 'managed' }>,
  context: HealthContext,
): HealthCheck {
  const repair = `POST ${context.repairPath} registers a new endpoint (and a new signing secret) for this clinic.`;
  const endpoint = facts.endpoint;
  const fail = (detail: string): HealthCheck => ({ name: 'webhook_endpoint', ok: false, detail });
  if (!endpoint) {
    return fail(
      `The webhook endpoint Basis registered (${facts.endpointId}) no longer exists on the Stripe account, so Stripe sends no events; only the missed-event sweep catches them, late. ${repair}`,
    );
  }
  if (endpoint.status !== 'enabled') {
    return fail(
      `The webhook endpoint ${endpoint.id} is disabled on Stripe (someone disabled it in the Dashboard, or Stripe did after days of failed deliveries), so Stripe sends no events. ${repair}`,
    );
  }
  if (endpoint.url !== context.webhookUrl) {
    return fail(
      `The webhook endpoint ${endpoint.id} points at ${endpoint.url}, not ${context.webhookUrl}. ${repair}`,
    );
  }
  const missing = missingEventTypes(endpoint, context);
  if (missing.length > 0) {
    return fail(`The webhook endpoint ${endpoint.id} does not subscribe to ${missing.join(', ')}. ${repair}`);
  }
  return {
    name: 'webhook_endpoint',
    ok: true,
    detail: `The endpoint ${endpoint.id} Basis manages is enabled, points at ${context.webhookUrl} and subscribes to every event type Basis handles.`,
  };
}

function adminEndpoint(
  facts: HealthFacts,
  endpoints: Extract<EndpointFacts, { kind: 'admin' }>['endpoints'],
  context: HealthContext,
): HealthCheck {
  const fail = (detail: string): HealthCheck => ({ name: 'webhook_endpoint', ok: false, detail });
  const letBasisManage = `or connect again without webhookSecret (PUT ${context.connectPath}) so that Basis registers and manages the endpoint.`;
  let found = 'The key may not read webhook endpoints, so the endpoint was not checked on Stripe';
  if (endpoints !== 'not_permitted') {
    const ours = endpoints.filter((endpoint) => endpoint.url === context.webhookUrl);
    if (ours.length === 0) {
      return fail(
        `No webhook endpoint on the Stripe account points at ${context.webhookUrl}, so Stripe sends no events. Add one in the Stripe Dashboard (Developers → Webhooks) with the event types Basis handles and connect again with its signing secret, ${letBasisManage}`,
      );
    }
    const enabled = ours.filter((endpoint) => endpoint.status === 'enabled');
    if (enabled.length === 0) {
      return fail(
        `The webhook endpoint ${ours.map((endpoint) => endpoint.id).join(', ')} pointing at ${context.webhookUrl} is disabled on Stripe. Enable it in the Stripe Dashboard (Developers → Webhooks), ${letBasisManage}`,
      );
    }
    const missing = [...new Set(enabled.flatMap((endpoint) => missingEventTypes(endpoint, context)))].filter(
      (type) => enabled.every((endpoint) => missingEventTypes(endpoint, context).includes(type)),
    );
    if (missing.length > 0) {
      return fail(
        `The webhook endpoint pointing at ${context.webhookUrl} does not subscribe to ${missing.join(', ')}. Add them in the Stripe Dashboard (Developers → Webhooks → the endpoint → events), ${letBasisManage}`,
      );
    }
    found = `The endpoint ${enabled.map((endpoint) => endpoint.id).join(', ')} is enabled, points at ${context.webhookUrl} and subscribes to every event type Basis handles`;
  }
  // The secret an admin gave cannot be read back from Stripe: whether it is right shows in what arrives.
  if (facts.signatureFailures.count > 0) {
    return fail(
      `${found}, but its signed events do not arrive: ${facts.signatureFailures.count} deliveries ${context.windowText} were refused because their signature does not match the signing secret you gave. Copy the endpoint's signing secret from the Stripe Dashboard (Developers → Webhooks → the endpoint → Signing secret) and connect again with it, ${letBasisManage}`,
    );
  }
  return {
    name: 'webhook_endpoint',
    ok: true,
    detail: `${found}; no signed delivery was refused ${context.windowText}.`,
  };
}

function webhookEndpoint(facts: HealthFacts, context: HealthContext): HealthCheck {
  switch (facts.endpoint.kind) {
    case 'managed':
      return managedEndpoint(facts.endpoint, context);
    case 'admin':
      return adminEndpoint(facts, facts.endpoint.endpoints, context);
    case 'unchecked':
      return {
        name: 'webhook_endpoint',
        ok: false,
        detail:
          facts.endpoint.reason === 'key_rejected'
            ? 'Not checked: Stripe refuses the key (see key_valid).'
            : 'Stripe could not be reached to check the endpoint. Check again in a minute.',
      };
  }
}

function signatureFailures(facts: HealthFacts, context: HealthContext): HealthCheck {
  const { count, lastAt } = facts.signatureFailures;
  if (count === 0) {
    return {
      name: 'signature_failures',
      ok: true,
      detail: `No delivery was refused for its signature ${context.windowText}.`,
    };
  }
  return {
    name: 'signature_failures',
    ok: false,
    detail: `${count} webhook deliveries ${context.windowText} (the last at ${lastAt}) were refused because their Stripe-Signature does not match the signing secret Basis holds: the signing secret is wrong, or another endpoint on some Stripe account points at this clinic's URL. Connect again with the endpoint's signing secret from the Stripe Dashboard (Developers → Webhooks), or without webhookSecret so that Basis manages the endpoint (PUT ${context.connectPath}).`,
  };
}

function missedEvents(facts: HealthFacts, context: HealthContext): HealthCheck {
  const { count, lastAt } = facts.missedEvents;
  if (count === 0) {
    return {
      name: 'missed_events',
      ok: true,
      detail: `Every event ${context.windowText} arrived by webhook.`,
    };
  }
  return {
    name: 'missed_events',
    ok: false,
    detail: `${count} events ${context.windowText} (the last found at ${lastAt}) never arrived by webhook: the missed-event sweep found them in Stripe's Events API and applied them late. Webhooks are not arriving: see webhook_endpoint and signature_failures, and check the endpoint's recent deliveries in the Stripe Dashboard (Developers → Webhooks).`,
  };
}

function failedEvents(facts: HealthFacts): HealthCheck {
  const { count, examples, truncated, entriesRead } = facts.failedEvents;
  const scope = truncated ? ` (of the newest ${entriesRead} events that failed at least once)` : '';
  if (count === 0) {
    return { name: 'failed_events', ok: true, detail: `No event failed to apply${scope}.` };
  }
  const listed = examples.map(
    (example) => `${example.eventId} (${example.type}: ${example.reason ?? 'unknown'})`,
  );
  return {
    name: 'failed_events',
    ok: false,
    detail: `${count} events${scope} failed to apply and are being retried or wait in a dead-letter queue, e.g. ${listed.join('; ')}. Look them up in the event ledger (GET …/events); when the cause is fixed (often the key: see key_valid and key_permissions), the retries or a DLQ redrive apply them. If they keep failing, contact Basis support with these event ids.`,
  };
}

/**
 * Judges what a health check found: one check per cause of the seed's troubleshooting list, each saying what to do
 * when it fails. Pure: the facts come from Stripe and our records (use-cases/connection-health.ts).
 */
export function assessHealth(
  facts: HealthFacts,
  context: HealthContext,
): { status: Exclude<HealthStatus, 'not_connected'>; checks: HealthCheck[] } {
  const checks = [
    keyValid(facts, context),
    keyPermissions(facts, context),
    webhookEndpoint(facts, context),
    signatureFailures(facts, context),
    missedEvents(facts, context),
    failedEvents(facts),
  ];
  return { status: checks.every((check) => check.ok) ? 'healthy' : 'needs_attention', checks };
}

/** The answer of `GET …/stripe/{mode}/health`. */
export interface ConnectionHealthView {
  mode: Mode;
  status: HealthStatus;
  checkedAt: string;
  checks: HealthCheck[];
  lastEventReceivedAt: string | null;
}

/** What `GET …/stripe` shows of the last health check of a mode: cheap to keep, one small item per mode. */
export interface LastKnownHealth {
  status: HealthStatus;
  checkedAt: string;
  /** The names of the checks that failed. */
  failing: HealthCheckName[];
}

/**
 * The start of the window the counts cover: the last 24 h, or since the connection or repair that set up the
 * current endpoint and signing secret (trouble from before it was fixed by it).
 */
export function healthWindowStart(now: Date, setUpAt: string): Date {
  return new Date(Math.max(now.getTime() - 24 * 3_600_000, Date.parse(setUpAt)));
}

/** When the current endpoint and signing secret were set up: the last repair, else the connection. */
export function webhookSetUpAt(secrets: ModeSecrets): string {
  return secrets.webhook.repairedAt ?? secrets.connectedAt;
}
