import { SQSClient } from '@aws-sdk/client-sqs';
import { createDocumentClient } from '@basis/shared/adapters/dynamo-document-client';
import { createLogger } from '@basis/shared/adapters/logger';
import { sqsEventQueue } from '@basis/shared/adapters/sqs-event-queue';
import { readQueueUrls } from '@basis/shared/config/queue-urls';
import { tableConfigFromEnv } from '@basis/shared/config/table-config';
import { secretStoreFromEnv } from '@basis/shared/secrets/secret-store-from-env';
import { createStripeClient } from '@basis/shared/stripe/stripe-client';
import { functions } from '@basis/shared/topology';
import { sweeperFrom } from './sweeper.ts';

/** Invoked by an EventBridge schedule (topology: `eventSweeper.schedule`). */
export const handler = sweeperFrom({
  doc: createDocumentClient(),
  tableName: tableConfigFromEnv().tableName,
  secrets: secretStoreFromEnv(),
  stripe: createStripeClient(),
  queue: sqsEventQueue(new SQSClient({}), readQueueUrls(functions.eventSweeper.access.sendsTo)),
  logger: createLogger('event-sweeper'),
});
