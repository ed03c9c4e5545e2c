import type { SQSClient } from '@aws-sdk/client-sqs';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createConnectApi } from '@basis/connect/connect-api';
import { applyPaymentEvent } from '@basis/payments/apply-payment-event';
import { createPaymentsApi } from '@basis/payments/payments-api';
import { dynamoPaymentStore } from '@basis/shared/adapters/dynamo-payment-store';
import type { Logger } from '@basis/shared/adapters/logger';
import { sqsEventQueue } from '@basis/shared/adapters/sqs-event-queue';
import type { SecretStore } from '@basis/shared/secrets/clinic-secrets';
import { stripeConnectGateway } from '@basis/shared/stripe/connect-gateway';
import { stripeApiVersion } from '@basis/shared/stripe/stripe-client';
import type { FunctionName, QueueName, queues } from '@basis/shared/topology';
import { createWebhookEventWorker } from '@basis/shared/worker/webhook-event-worker';
import { handler as healthHandler } from '@basis/webhook-ingest/health-handler';
import { createWebhookRoute } from '@basis/webhook-ingest/webhook-route';
import type Stripe from 'stripe';
import type { HttpFunction } from './api-gateway-server.ts';
import type { SqsFunction } from './sqs-poller.ts';

export interface LocalFunctionDeps {
  doc: DynamoDBDocumentClient;
  sqs: SQSClient;
  tableName: string;
  queueUrls: Record<QueueName, string>;
  secrets: SecretStore;
  stripe: Stripe;
  publicBaseUrl: string;
  logger: (service: string) => Logger;
  now?: () => Date;
}

/** Functions that consume a queue; every other function serves HTTP routes. */
export type WorkerFunctionName = (typeof queues)[QueueName]['consumer'];
export type HttpFunctionName = Exclude<FunctionName, WorkerFunctionName>;

export interface LocalFunctions {
  http: Record<HttpFunctionName, HttpFunction>;
  workers: Record<WorkerFunctionName, SqsFunction>;
}

/**
 * Every function of the topology, built from the same factories as the Lambda handlers, with local adapters:
 * the emulators' clients and the file secret store in place of Secrets Manager. The record type makes a function
 * added to the topology without a local twin a compile error.
 */
export function createLocalFunctions(deps: LocalFunctionDeps): LocalFunctions {
  const now = deps.now ?? (() => new Date());
  const payments = dynamoPaymentStore(deps.doc, deps.tableName);
  return {
    http: {
      health: healthHandler,
      webhookIngest: createWebhookRoute({
        secrets: deps.secrets,
        queue: sqsEventQueue(deps.sqs, deps.queueUrls),
        logger: deps.logger('webhook-ingest'),
        now,
      }),
      connectApi: createConnectApi({
        secrets: deps.secrets,
        stripe: stripeConnectGateway(deps.stripe),
        publicBaseUrl: deps.publicBaseUrl,
        apiVersion: stripeApiVersion,
        logger: deps.logger('connect'),
        now,
      }),
      paymentsApi: createPaymentsApi({ payments, logger: deps.logger('payments-api') }),
    },
    workers: {
      paymentsWorker: createWebhookEventWorker(deps.logger('payments-worker'), (message) =>
        applyPaymentEvent({ payments, now }, message),
      ),
    },
  };
}
