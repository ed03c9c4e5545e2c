import type { SQSClient } from '@aws-sdk/client-sqs';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { dynamoClinicLock } from '@basis/connect/adapters/dynamo-clinic-lock';
import { dynamoConnectionRegistry } from '@basis/connect/adapters/dynamo-connection-registry';
import { stripeConnectGateway } from '@basis/connect/adapters/stripe-connect-gateway';
import { createConnectApi } from '@basis/connect/connect-api';
import { dynamoPaymentStore } from '@basis/payments/adapters/dynamo-payment-store';
import { paymentsApiFrom, paymentsWorkerFrom } from '@basis/payments/wiring';
import { dynamoPayoutStore } from '@basis/payouts/adapters/dynamo-payout-store';
import { sqsContinuationQueue } from '@basis/payouts/adapters/sqs-continuation-queue';
import { stripePayoutsGateway } from '@basis/payouts/adapters/stripe-payouts-gateway';
import { createPayoutsApi } from '@basis/payouts/payouts-api';
import { createPayoutsWorker, defaultTimeReserveMs } from '@basis/payouts/payouts-worker';
import { refundsApiFrom, refundsWorkerFrom } from '@basis/refunds/wiring';
import { dynamoEventLedger } from '@basis/shared/ledger/dynamo-event-ledger';
import type { Logger } from '@basis/shared/observability/logger';
import { sqsEventQueue } from '@basis/shared/queue/sqs-event-queue';
import type { SecretStore } from '@basis/shared/secrets/clinic-secrets';
import { stripeApiVersion } from '@basis/shared/stripe/stripe-client';
import type { FunctionName, QueueName, queues, ScheduledFunctionName } from '@basis/shared/topology';
import { handler as healthHandler } from '@basis/webhook-ingest/health-handler';
import { sweeperFrom } from '@basis/webhook-ingest/sweeper';
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
  /** Age below which the missed-event sweep leaves events to normal delivery (tests use 0). */
  sweepSettleSeconds?: number;
  /** Balance transactions per page when reconciling payouts (tests use a small one to span pages). */
  payoutsPageSize?: number;
}

/** Functions that consume a queue; every other function serves HTTP routes. */
export type WorkerFunctionName = (typeof queues)[QueueName]['consumer'];
export type HttpFunctionName = Exclude<FunctionName, WorkerFunctionName | ScheduledFunctionName>;
export type ScheduledFunction = () => Promise<unknown>;

export interface LocalFunctions {
  http: Record<HttpFunctionName, HttpFunction>;
  workers: Record<WorkerFunctionName, SqsFunction>;
  scheduled: Record<ScheduledFunctionName, ScheduledFunction>;
}

/**
 * Every function of the topology, built from the same factories as the Lambda handlers, with local adapters:
 * the emulators' clients and the file secret store in place of Secrets Manager. The record type makes a function
 * added to the topology without a local twin a compile error.
 */
export function createLocalFunctions(deps: LocalFunctionDeps): LocalFunctions {
  const now = deps.now ?? (() => new Date());
  const payments = dynamoPaymentStore(deps.doc, deps.tableName);
  const payouts = dynamoPayoutStore(deps.doc, deps.tableName);
  const queue = sqsEventQueue(deps.sqs, deps.queueUrls);
  const paymentClients = {
    doc: deps.doc,
    tableName: deps.tableName,
    secrets: deps.secrets,
    stripe: deps.stripe,
    now,
  };
  return {
    http: {
      health: healthHandler,
      webhookIngest: createWebhookRoute({
        secrets: deps.secrets,
        queue,
        logger: deps.logger('webhook-ingest'),
        now,
      }),
      connectApi: createConnectApi({
        secrets: deps.secrets,
        connections: dynamoConnectionRegistry(deps.doc, deps.tableName),
        lock: dynamoClinicLock(deps.doc, deps.tableName),
        stripe: stripeConnectGateway(deps.stripe),
        publicBaseUrl: deps.publicBaseUrl,
        apiVersion: stripeApiVersion,
        logger: deps.logger('connect'),
        now,
      }),
      paymentsApi: paymentsApiFrom({ ...paymentClients, logger: deps.logger('payments-api') }),
      refundsApi: refundsApiFrom({ ...paymentClients, queue, logger: deps.logger('refunds-api') }),
      payoutsApi: createPayoutsApi({ payouts, logger: deps.logger('payouts-api') }),
    },
    workers: {
      paymentsWorker: paymentsWorkerFrom({ ...paymentClients, logger: deps.logger('payments-worker') }),
      refundsWorker: refundsWorkerFrom({ ...paymentClients, queue, logger: deps.logger('refunds-worker') }),
      payoutsWorker: createPayoutsWorker({
        payouts,
        payments,
        secrets: deps.secrets,
        stripe: stripePayoutsGateway(
          deps.stripe,
          deps.payoutsPageSize === undefined ? {} : { pageSize: deps.payoutsPageSize },
        ),
        continuation: sqsContinuationQueue(deps.sqs, deps.queueUrls.payouts),
        logger: deps.logger('payouts-worker'),
        now,
        timeReserveMs: defaultTimeReserveMs,
        ledger: dynamoEventLedger(deps.doc, deps.tableName),
      }),
    },
    scheduled: {
      eventSweeper: sweeperFrom({
        ...paymentClients,
        queue,
        logger: deps.logger('event-sweeper'),
        ...(deps.sweepSettleSeconds === undefined ? {} : { settleSeconds: deps.sweepSettleSeconds }),
      }),
    },
  };
}
