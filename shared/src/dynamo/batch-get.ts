import { BatchGetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/**
 * Reads items by key with `BatchGetItem`, 100 keys a request (DynamoDB's limit), retrying the keys DynamoDB answers
 * unprocessed. Items come back in no particular order; absent keys are simply missing. `consistent` false reads at
 * half the RRU of a strongly consistent read (the reader of a KEYS_ONLY index page is eventually consistent anyway).
 */
export async function batchGet(
  doc: DynamoDBDocumentClient,
  tableName: string,
  keys: readonly Record<string, unknown>[],
  consistent: boolean,
): Promise<Record<string, unknown>[]> {
  const found: Record<string, unknown>[] = [];
  for (let start = 0; start < keys.length; start += 100) {
    let pending: Record<string, unknown>[] | undefined = keys.slice(start, start + 100);
    while (pending && pending.length > 0) {
      const output = await doc.send(
        new BatchGetCommand({
          RequestItems: { [tableName]: { Keys: pending, ConsistentRead: consistent } },
        }),
      );
      found.push(...(output.Responses?.[tableName] ?? []));
      pending = output.UnprocessedKeys?.[tableName]?.Keys as Record<string, unknown>[] | undefined;
    }
  }
  return found;
}
