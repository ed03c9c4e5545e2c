import { SQSClient } from '@aws-sdk/client-sqs';
import { createDocumentClient } from '@basis/shared/adapters/dynamo-document-client';
import { dynamoEventLedger } from '@basis/shared/adapters/dynamo-event-ledger';
import { dynamoPaymentStore } from '@basis/shared/adapters/dynamo-payment-store';
import { dynamoPayoutStore } from '@basis/shared/adapters/dynamo-payout-store';
import { createLogger } from '@basis/shared/adapters/logger';
import { readQueueUrls } from '@basis/shared/config/queue-urls';
import { tableConfigFromEnv } from '@basis/shared/config/table-config';
import { secretStoreFromEnv } from '@basis/shared/secrets/secret-store-from-env';
import { stripePayoutsGateway } from '@basis/shared/stripe/payouts-gateway';
import { createStripeClient } from '@basis/shared/stripe/stripe-client';
import { functions } from '@basis/shared/topology';
import { sqsContinuationQueue } from './continuation-queue.ts';
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
