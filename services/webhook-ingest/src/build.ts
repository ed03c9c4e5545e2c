import {
  buildConnectionRegistry,
  buildDeferredHealthCounterAdder,
  buildHealthCounters,
} from '@basis/connect';
import {
  type ClientsOf,
  dynamoEventLedger,
  type EventQueue,
  publicHttpFunction,
  type SecretStore,
  scheduledFunction,
} from '@basis/shared';
import type Stripe from 'stripe';
import { stripeEventsGateway } from './adapters/stripe-events-gateway.ts';
import { healthRoutes } from './health-routes.ts';
import { ingestRoutes } from './ingest-routes.ts';
import { boundedSignatureFailureCounter } from './use-cases/count-signature-failures.ts';
import { type ReplayProgress, replayEvent, replayEventRange } from './use-cases/replay-events.ts';
import { sweepMissedEvents } from './use-cases/sweep-missed-events.ts';

/**
 * How long webhook ingest's containers keep a clinic's signing secrets: 12 hours, longer than an execution
 * environment usually lives, so a clinic with steady traffic costs one Secrets Manager call per container, not one
 * per event (at 300 s, a clinic with an event every ten minutes paid a call for each).
 *
 * Staleness cannot refuse a good event: a re-connect, a re-pair or a secret roll changes the signing secret, the
 * next event then fails the check against the cached one, and a failure re-reads the secrets at once (at most once
 * per clinic every 5 s, so forged signatures cannot turn into calls). Rotation in this system is by re-connect, so
 * it heals the same way. What a long TTL keeps is only an old secret that Stripe no longer signs with (a rolled
 * secret is accepted until its `expiresAt` anyway) and, after a disconnect, the removed secret: events Stripe still
 * signs with it are genuine events of that clinic's account, and a disconnect deletes a managed endpoint, so none
 * follow. Unknown clinics are remembered for 30 s only, and at most 1,000 clinics are held.
 */
export const ingestSecretCacheTtlSeconds = 12 * 60 * 60;

/** Webhook ingest: verify, route, enqueue, answer; nothing else on Stripe's path. */
export function buildWebhookIngest(clients: ClientsOf<'webhookIngest'>) {
  const logger = clients.observability.logger;
  return publicHttpFunction({
    observability: clients.observability,
    deps: {
      secrets: clients.secrets.cached,
      queue: clients.queue,
      logger,
      metrics: clients.observability.metrics,
      now: clients.now,
      // The DynamoDB SDK is imported on the first refused signature, not at init (a refusal is rare).
      signatureFailures: boundedSignatureFailureCounter(buildDeferredHealthCounterAdder(clients.table), {
        now: clients.now,
        onError: (error) => logger.error('signature failure count not written', { error }),
      }),
    },
    routes: ingestRoutes,
  });
}

/** The liveness probe. */
export function buildHealth(clients: ClientsOf<'health'>) {
  return publicHttpFunction({ observability: clients.observability, deps: undefined, routes: healthRoutes });
}

/** Knobs for tests; production uses the defaults. */
export interface SweeperOptions {
  /** Events younger than this are left to their normal delivery; 120 s unless a test says otherwise. */
  settleSeconds?: number;
}

/** The missed-event sweep: lists recent events from Stripe and enqueues those the ledger lacks. */
export function buildEventSweeper(clients: ClientsOf<'eventSweeper'>, options: SweeperOptions = {}) {
  const deps = {
    connections: buildConnectionRegistry(clients.table),
    secrets: clients.secrets.cached,
    ledger: dynamoEventLedger(clients.table.doc, clients.table.tableName),
    healthCounters: buildHealthCounters(clients.table),
    events: stripeEventsGateway(clients.stripe),
    queue: clients.queue,
    logger: clients.observability.logger,
    metrics: clients.observability.metrics,
    now: clients.now,
    settleSeconds: options.settleSeconds ?? 120,
  };
  return scheduledFunction(clients.observability, () => sweepMissedEvents(deps));
}

/** What an operator's replay needs: the clinic's keys, a queue to send to, Stripe. */
export interface EventReplayerClients {
  secrets: SecretStore;
  queue: EventQueue;
  stripe: Stripe;
  now: () => Date;
}

/**
 * Replays for operations (`npm run ops -- replay`): re-reads events from Stripe's Events API with the clinic's key
 * and enqueues them with ingest's own code, so a replayed event is indistinguishable from a delivery.
 */
export function buildEventReplayer(clients: EventReplayerClients) {
  const deps = { ...clients, events: stripeEventsGateway(clients.stripe) };
  return {
    replayEvent: (input: Parameters<typeof replayEvent>[1]) => replayEvent(deps, input),
    replayEventRange: (
      input: Parameters<typeof replayEventRange>[1],
      onProgress?: (progress: ReplayProgress) => void,
    ) => replayEventRange(deps, input, onProgress),
  };
}
