import { buildPaymentRecords } from '@basis/payments';
import { type ClientsOf, dynamoEventLedger, jwtHttpFunction } from '@basis/shared';
import { dynamoPayoutStore } from './adapters/dynamo-payout-store.ts';
import { type PayoutsGatewayOptions, stripePayoutsGateway } from './adapters/stripe-payouts-gateway.ts';
import { payoutsRoutes } from './payouts-routes.ts';
import { createPayoutsWorker, defaultTimeReserveMs } from './payouts-worker.ts';
import type { ReconcilePayoutDeps } from './use-cases/reconcile-payout.ts';

/** The payouts API function: payouts and what each paid out. */
export function buildPayoutsApi(clients: ClientsOf<'payoutsApi'>) {
  return jwtHttpFunction({
    observability: clients.observability,
    cors: clients.cors,
    deps: { payouts: dynamoPayoutStore(clients.table.doc, clients.table.tableName) },
    routes: payoutsRoutes,
  });
}

/** Knobs for tests and benchmarks; production uses the defaults. */
export interface PayoutsWorkerOptions {
  gateway?: PayoutsGatewayOptions;
  timeReserveMs?: number;
}

/** The payouts worker: payout events, then reconciliation of paid payouts, resumable across invocations. */
export function buildPayoutsWorker(clients: ClientsOf<'payoutsWorker'>, options: PayoutsWorkerOptions = {}) {
  const { doc, tableName } = clients.table;
  const deps: ReconcilePayoutDeps = {
    payouts: dynamoPayoutStore(doc, tableName),
    payments: buildPaymentRecords(clients),
    secrets: clients.secrets.cached,
    stripe: stripePayoutsGateway(clients.stripe, options.gateway),
    continuation: { send: (message) => clients.queue.send('payouts', message) },
    logger: clients.observability.logger,
    now: clients.now,
    timeReserveMs: options.timeReserveMs ?? defaultTimeReserveMs,
  };
  return createPayoutsWorker(deps, clients.observability, dynamoEventLedger(doc, tableName));
}
