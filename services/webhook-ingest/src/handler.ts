import { SQSClient } from '@aws-sdk/client-sqs';
import { readQueueUrls } from '@basis/shared/config/queue-urls';
import { createLogger } from '@basis/shared/observability/logger';
import { sqsEventQueue } from '@basis/shared/queue/sqs-event-queue';
import { secretStoreFromEnv } from '@basis/shared/secrets/secret-store-from-env';
import { functions } from '@basis/shared/topology';
import { createWebhookRoute } from './webhook-route.ts';

// Clients are built once per container, at init.
const queueUrls = readQueueUrls(functions.webhookIngest.access.sendsTo);

export const handler = createWebhookRoute({
  secrets: secretStoreFromEnv(),
  queue: sqsEventQueue(new SQSClient({}), queueUrls),
  logger: createLogger('webhook-ingest'),
  now: () => new Date(),
});
