import {
  awsQueue,
  awsSecretClients,
  awsTableName,
  type DocumentSdk,
  documentClientOptions,
  lambdaBaseClients,
} from '@basis/shared';
import { buildWebhookIngest, ingestSecretCacheTtlSeconds } from '../build.ts';

/**
 * The DynamoDB client and lib-dynamodb, imported when the first refused signature is counted: not at init (ingest
 * uses the table for nothing else). The `import()`s are here, in the one entry that defers them, because esbuild
 * wraps a dynamically imported module for deferred evaluation in every bundle whose graph holds the `import()`; the
 * bundle keeps them as bare imports of the packages shipped beside the handler (infra function-bundling.ts).
 */
async function deferredDocumentSdk(): Promise<DocumentSdk> {
  const [{ DynamoDBClient }, { DynamoDBDocumentClient, UpdateCommand }] = await Promise.all([
    import('@aws-sdk/client-dynamodb'),
    import('@aws-sdk/lib-dynamodb'),
  ]);
  return { doc: DynamoDBDocumentClient.from(new DynamoDBClient({}), documentClientOptions), UpdateCommand };
}

const base = lambdaBaseClients('webhookIngest');
export const handler = buildWebhookIngest({
  ...base,
  // Only to count refused signatures (topology: healthCounters; IAM: UpdateItem on HEALTH# items).
  table: { tableName: awsTableName(base), documentSdk: deferredDocumentSdk },
  secrets: awsSecretClients(base, { cacheTtlSeconds: ingestSecretCacheTtlSeconds }),
  queue: awsQueue(base),
});
