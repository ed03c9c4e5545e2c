import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { dynamoEventLedger } from '@basis/shared/ledger/dynamo-event-ledger';
import type { Logger } from '@basis/shared/observability/logger';
import type { SecretStore } from '@basis/shared/secrets/clinic-secrets';
import { createWebhookEventWorker } from '@basis/shared/worker/webhook-event-worker';
import type Stripe from 'stripe';
import { dynamoBookingPaymentStore } from './adapters/dynamo-booking-payment-store.ts';
import { dynamoCustomerStore } from './adapters/dynamo-customer-store.ts';
import { dynamoPaymentStore } from './adapters/dynamo-payment-store.ts';
import { dynamoPricingStore } from './adapters/dynamo-pricing-store.ts';
import { stripePaymentsGateway } from './adapters/stripe-payments-gateway.ts';
import { stripeReader } from './adapters/stripe-reader.ts';
import { createPaymentsApi } from './payments-api.ts';
import type { PaymentsApiDeps } from './payments-deps.ts';
import { applyPaymentEvent } from './use-cases/apply-payment-event.ts';

/** The clients a payments function is built from: the Lambda handlers pass AWS's, the local runtime the emulators'. */
export interface PaymentsClients {
  doc: DynamoDBDocumentClient;
  tableName: string;
  secrets: SecretStore;
  stripe: Stripe;
  logger: Logger;
  now?: () => Date;
}

export function paymentsDeps(clients: PaymentsClients): PaymentsApiDeps {
  const gateway = stripePaymentsGateway(clients.stripe);
  return {
    payments: dynamoPaymentStore(clients.doc, clients.tableName),
    customers: dynamoCustomerStore(clients.doc, clients.tableName),
    pricing: dynamoPricingStore(clients.doc, clients.tableName),
    bookings: dynamoBookingPaymentStore(clients.doc, clients.tableName),
    ledger: dynamoEventLedger(clients.doc, clients.tableName),
    secrets: clients.secrets,
    gateway,
    stripe: stripeReader(clients.secrets, gateway),
    logger: clients.logger,
    now: clients.now ?? (() => new Date()),
  };
}

export function paymentsApiFrom(clients: PaymentsClients) {
  return createPaymentsApi(paymentsDeps(clients));
}

export function paymentsWorkerFrom(clients: PaymentsClients) {
  const deps = paymentsDeps(clients);
  return createWebhookEventWorker(clients.logger, (message) => applyPaymentEvent(deps, message), {
    ledger: deps.ledger,
  });
}
