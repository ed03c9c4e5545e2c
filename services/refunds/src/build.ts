import { randomUUID } from 'node:crypto';
import { buildPaymentRecords } from '@basis/payments';
import { type ClientsOf, dynamoEventLedger, jwtHttpFunction, queueWorker } from '@basis/shared';
import { stripeRefundsGateway } from './adapters/stripe-refunds-gateway.ts';
import type { RefundsDeps } from './ports.ts';
import { refundsRoutes } from './refunds-routes.ts';
import { applyRefundEvent, reconcileRefund } from './use-cases/apply-refund-event.ts';

function refundsDeps(
  clients: ClientsOf<'refundsApi'> | ClientsOf<'refundsWorker'>,
  queue: RefundsDeps['queue'],
): RefundsDeps {
  return {
    payments: buildPaymentRecords(clients),
    secrets: clients.secrets.cached,
    freshSecrets: clients.secrets.uncached,
    refunds: stripeRefundsGateway(clients.stripe),
    queue,
    logger: clients.observability.logger,
    metrics: clients.observability.metrics,
    now: clients.now,
    newRefundKey: () => `rf_${randomUUID().replaceAll('-', '')}`,
  };
}

/** The refunds API function: staff-issued full and partial refunds, never made twice. */
export function buildRefundsApi(clients: ClientsOf<'refundsApi'>) {
  return jwtHttpFunction({
    observability: clients.observability,
    cors: clients.cors,
    deps: refundsDeps(clients, clients.queue),
    routes: refundsRoutes,
  });
}

/** The refunds worker: refund, charge.refunded and dispute events, and the delayed reconcile of pending refunds. */
export function buildRefundsWorker(clients: ClientsOf<'refundsWorker'>) {
  const deps = refundsDeps(clients, {
    send: () => Promise.reject(new Error('The refunds worker sends no messages.')),
  });
  return queueWorker({
    queue: 'refunds',
    observability: clients.observability,
    ledger: dynamoEventLedger(clients.table.doc, clients.table.tableName),
    applyEvent: (message) => applyRefundEvent(deps, message),
    internal: { 'basis.refund_reconcile': (body) => reconcileRefund(deps, body) },
  });
}
