import { awsQueue, awsSecretClients, awsTableClients, lambdaBaseClients } from '@basis/shared';
import { buildWebhookIngest, ingestSecretCacheTtlSeconds } from '../build.ts';

const base = lambdaBaseClients('webhookIngest');
export const handler = buildWebhookIngest({
  ...base,
  // Only to count refused signatures (topology: healthCounters; IAM: UpdateItem on HEALTH# items).
  table: awsTableClients(base),
  secrets: awsSecretClients(base, { cacheTtlSeconds: ingestSecretCacheTtlSeconds }),
  queue: awsQueue(base),
});
