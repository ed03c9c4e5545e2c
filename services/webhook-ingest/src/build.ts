import { buildConnectionRegistry } from '@basis/connect';
import { type ClientsOf, dynamoEventLedger, publicHttpFunction, scheduledFunction } from '@basis/shared';
import { stripeEventsGateway } from './adapters/stripe-events-gateway.ts';
import { healthRoutes } from './health-routes.ts';
import { ingestRoutes } from './ingest-routes.ts';
import { sweepMissedEvents } from './use-cases/sweep-missed-events.ts';

/** Webhook ingest: verify, route, enqueue, answer; nothing else on Stripe's path. */
export function buildWebhookIngest(clients: ClientsOf<'webhookIngest'>) {
  return publicHttpFunction({
    observability: clients.observability,
    deps: {
      secrets: clients.secrets.cached,
      queue: clients.queue,
      logger: clients.observability.logger,
      metrics: clients.observability.metrics,
      now: clients.now,
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
    events: stripeEventsGateway(clients.stripe),
    queue: clients.queue,
    logger: clients.observability.logger,
    metrics: clients.observability.metrics,
    now: clients.now,
    settleSeconds: options.settleSeconds ?? 120,
  };
  return scheduledFunction(clients.observability, () => sweepMissedEvents(deps));
}
