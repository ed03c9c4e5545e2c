import { BatchGetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/** Rounds of unprocessed keys before giving up (DynamoDB answers keys unprocessed when the table is throttled). */
const maxRounds = 8;

/**
 * Reads items by key with `BatchGetItem`, 100 keys a request (DynamoDB's limit), retrying the keys DynamoDB answers
 * unprocessed after a pause that doubles each round (25 ms, 50 ms, … as DynamoDB asks of batch callers), and throwing
 * when some are still unprocessed after 8 rounds (the caller's request or record then fails and is retried). Items come back in no particular order; absent keys are simply missing. `consistent` false reads at
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
    for (let round = 0; pending && pending.length > 0; round++) {
      if (round >= maxRounds) throw new Error(`BatchGetItem left ${pending.length} keys unprocessed.`);
      if (round > 0) await new Promise((resolve) => setTimeout(resolve, 25 * 2 ** (round - 1)));
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
