import { SQSClient } from '@aws-sdk/client-sqs';
import { readQueueUrls } from '@basis/shared/config/queue-urls';
import { tableConfigFromEnv } from '@basis/shared/config/table-config';
import { createDocumentClient } from '@basis/shared/dynamo/document-client';
import { createLogger } from '@basis/shared/observability/logger';
import { sqsEventQueue } from '@basis/shared/queue/sqs-event-queue';
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
