import { awsQueue, awsSecretClients, lambdaBaseClients } from '@basis/shared';
import { buildWebhookIngest } from '../build.ts';

const base = lambdaBaseClients('webhookIngest');
export const handler = buildWebhookIngest({
  ...base,
  secrets: awsSecretClients(base),
  queue: awsQueue(base),
});
