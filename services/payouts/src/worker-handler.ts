import { SQSClient } from '@aws-sdk/client-sqs';
import { dynamoPaymentStore } from '@basis/payments/adapters/dynamo-payment-store';
import { readQueueUrls } from '@basis/shared/config/queue-urls';
import { tableConfigFromEnv } from '@basis/shared/config/table-config';
import { createDocumentClient } from '@basis/shared/dynamo/document-client';
import { dynamoEventLedger } from '@basis/shared/ledger/dynamo-event-ledger';
import { createLogger } from '@basis/shared/observability/logger';
import { secretStoreFromEnv } from '@basis/shared/secrets/secret-store-from-env';
import { createStripeClient } from '@basis/shared/stripe/stripe-client';
import { functions } from '@basis/shared/topology';
import { dynamoPayoutStore } from './adapters/dynamo-payout-store.ts';
import { sqsContinuationQueue } from './adapters/sqs-continuation-queue.ts';
import { stripePayoutsGateway } from './adapters/stripe-payouts-gateway.ts';
import { createPayoutsWorker, defaultTimeReserveMs } from './payouts-worker.ts';

// Clients are built once per container, at init.
const { tableName } = tableConfigFromEnv();
const doc = createDocumentClient();
const queueUrls = readQueueUrls(functions.payoutsWorker.access.sendsTo);

export const handler = createPayoutsWorker({
  payouts: dynamoPayoutStore(doc, tableName),
  payments: dynamoPaymentStore(doc, tableName),
  secrets: secretStoreFromEnv(),
  stripe: stripePayoutsGateway(createStripeClient()),
  continuation: sqsContinuationQueue(new SQSClient({}), queueUrls.payouts),
  logger: createLogger('payouts-worker'),
  now: () => new Date(),
  timeReserveMs: defaultTimeReserveMs,
  ledger: dynamoEventLedger(doc, tableName),
});
