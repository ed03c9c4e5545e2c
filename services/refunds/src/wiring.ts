import { randomUUID } from 'node:crypto';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { dynamoPaymentStore } from '@basis/payments/adapters/dynamo-payment-store';
import { stripePaymentsGateway } from '@basis/payments/adapters/stripe-payments-gateway';
import { stripeReader } from '@basis/payments/adapters/stripe-reader';
import { dynamoEventLedger } from '@basis/shared/ledger/dynamo-event-ledger';
import type { Logger } from '@basis/shared/observability/logger';
import type { EventQueue } from '@basis/shared/queue/sqs-event-queue';
import type { SecretStore } from '@basis/shared/secrets/clinic-secrets';
import { createWebhookEventWorker } from '@basis/shared/worker/webhook-event-worker';
import type Stripe from 'stripe';
import { stripeRefundsGateway } from './adapters/stripe-refunds-gateway.ts';
import { createRefundsApi } from './refunds-api.ts';
import type { RefundsDeps } from './refunds-deps.ts';
import { applyRefundEvent, reconcileRefund } from './use-cases/apply-refund-event.ts';

/** The clients a refunds function is built from: AWS's in Lambda, the emulators' locally. */
export interface RefundsClients {
  doc: DynamoDBDocumentClient;
  tableName: string;
  secrets: SecretStore;
  stripe: Stripe;
  queue: EventQueue;
  logger: Logger;
  now?: () => Date;
}

export function refundsDeps(clients: RefundsClients): RefundsDeps {
  const reader = stripeReader(clients.secrets, stripePaymentsGateway(clients.stripe));
  return {
    payments: dynamoPaymentStore(clients.doc, clients.tableName),
    secrets: clients.secrets,
    refunds: stripeRefundsGateway(clients.stripe),
    paymentIntent: reader.paymentIntent,
    queue: clients.queue,
    logger: clients.logger,
    now: clients.now ?? (() => new Date()),
    newRefundKey: () => `rf_${randomUUID().replaceAll('-', '')}`,
  };
}

export function refundsApiFrom(clients: RefundsClients) {
  return createRefundsApi(refundsDeps(clients));
}

export function refundsWorkerFrom(clients: RefundsClients) {
  const deps = refundsDeps(clients);
  return createWebhookEventWorker(clients.logger, (message) => applyRefundEvent(deps, message), {
    ledger: dynamoEventLedger(clients.doc, clients.tableName),
    internal: (body) => reconcileRefund(deps, body),
  });
}
