import {
  type ClientsOf,
  dynamoEventLedger,
  jwtHttpFunction,
  type PlatformClients,
  queueWorker,
  type TableClients,
} from '@basis/shared';
import { dynamoBookingPaymentStore } from './adapters/dynamo-booking-payment-store.ts';
import { dynamoCustomerStore } from './adapters/dynamo-customer-store.ts';
import { dynamoPaymentStore } from './adapters/dynamo-payment-store.ts';
import { dynamoPricingStore } from './adapters/dynamo-pricing-store.ts';
import { stripePaymentsGateway } from './adapters/stripe-payments-gateway.ts';
import { stripeReader } from './adapters/stripe-reader.ts';
import { paymentsRoutes } from './payments-routes.ts';
import type { ClientCustomers, PaymentRecords, PaymentsApiDeps } from './ports.ts';
import { applyPaymentEvent } from './use-cases/apply-payment-event.ts';
import { applyPaymentGroup, paymentEventOrder, paymentGroupOf } from './use-cases/apply-payment-group.ts';
import { clientCustomers } from './use-cases/client-customers.ts';
import { paymentRecords } from './use-cases/payment-records.ts';

type PaymentsClients = Pick<PlatformClients, 'table' | 'secrets' | 'stripe' | 'now' | 'observability'>;

function paymentsDeps(clients: PaymentsClients): PaymentsApiDeps {
  const { doc, tableName } = clients.table;
  const gateway = stripePaymentsGateway(clients.stripe);
  return {
    payments: dynamoPaymentStore(doc, tableName),
    customers: dynamoCustomerStore(doc, tableName),
    pricing: dynamoPricingStore(doc, tableName),
    bookings: dynamoBookingPaymentStore(doc, tableName),
    ledger: dynamoEventLedger(doc, tableName),
    secrets: clients.secrets.cached,
    freshSecrets: clients.secrets.uncached,
    gateway,
    stripe: stripeReader(clients.secrets.cached, gateway),
    logger: clients.observability.logger,
    now: clients.now,
  };
}

/** The payments API function (pricing, booking payments, saved cards, lists, reports, the event ledger). */
export function buildPaymentsApi(clients: ClientsOf<'paymentsApi'>) {
  return jwtHttpFunction({
    observability: clients.observability,
    cors: clients.cors,
    deps: paymentsDeps(clients),
    routes: paymentsRoutes,
  });
}

/**
 * The payments worker: applies payment_intent, charge, card and setup events to their records, a batch's events of one
 * payment together.
 */
export function buildPaymentsWorker(clients: ClientsOf<'paymentsWorker'>) {
  const deps = paymentsDeps(clients);
  return queueWorker({
    queue: 'payments',
    observability: clients.observability,
    ledger: deps.ledger,
    applyEvent: (message) => applyPaymentEvent(deps, message),
    // A batch's events of one payment (or card): one read, decided in order, one write.
    grouping: {
      groupOf: paymentGroupOf,
      orderOf: paymentEventOrder,
      applyGroup: (messages) => applyPaymentGroup(deps, messages),
    },
  });
}

/**
 * The port payments offers other contexts (refunds, payouts) for changing a payment: they never write its item
 * themselves.
 */
export function buildPaymentRecords(
  clients: { table: TableClients } & Pick<PlatformClients, 'secrets' | 'stripe' | 'now'>,
): PaymentRecords {
  const payments = dynamoPaymentStore(clients.table.doc, clients.table.tableName);
  const reader = stripeReader(clients.secrets.cached, stripePaymentsGateway(clients.stripe));
  return paymentRecords({ payments, stripe: reader, now: clients.now });
}

/** The port payments offers memberships for a client's Stripe Customer and saved cards (one customer logic). */
export function buildClientCustomers(
  clients: { table: TableClients } & Pick<PlatformClients, 'stripe'>,
): ClientCustomers {
  return clientCustomers({
    customers: dynamoCustomerStore(clients.table.doc, clients.table.tableName),
    gateway: stripePaymentsGateway(clients.stripe),
  });
}
