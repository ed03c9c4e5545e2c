import { createDocumentClient } from '@basis/shared/adapters/dynamo-document-client';
import { dynamoPaymentStore } from '@basis/shared/adapters/dynamo-payment-store';
import { createLogger } from '@basis/shared/adapters/logger';
import { tableConfigFromEnv } from '@basis/shared/config/table-config';
import { createWebhookEventWorker } from '@basis/shared/worker/webhook-event-worker';
import { applyPaymentEvent } from './apply-payment-event.ts';

const payments = dynamoPaymentStore(createDocumentClient(), tableConfigFromEnv().tableName);

export const handler = createWebhookEventWorker(createLogger('payments-worker'), (message) =>
  applyPaymentEvent({ payments, now: () => new Date() }, message),
);
