import { SQSClient } from '@aws-sdk/client-sqs';
import { createDocumentClient } from '@basis/shared/adapters/dynamo-document-client';
import { createLogger } from '@basis/shared/adapters/logger';
import { sqsEventQueue } from '@basis/shared/adapters/sqs-event-queue';
import { tableConfigFromEnv } from '@basis/shared/config/table-config';
import { secretStoreFromEnv } from '@basis/shared/secrets/secret-store-from-env';
import { createStripeClient } from '@basis/shared/stripe/stripe-client';
import { refundsWorkerFrom } from './wiring.ts';

export const handler = refundsWorkerFrom({
  doc: createDocumentClient(),
  tableName: tableConfigFromEnv().tableName,
  secrets: secretStoreFromEnv(),
  stripe: createStripeClient(),
  // The worker sends nothing; its reconcile path only calls Stripe.
  queue: sqsEventQueue(new SQSClient({}), {}),
  logger: createLogger('refunds-worker'),
});
