import { SQSClient } from '@aws-sdk/client-sqs';
import { tableConfigFromEnv } from '@basis/shared/config/table-config';
import { createDocumentClient } from '@basis/shared/dynamo/document-client';
import { createLogger } from '@basis/shared/observability/logger';
import { sqsEventQueue } from '@basis/shared/queue/sqs-event-queue';
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
