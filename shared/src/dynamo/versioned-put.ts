import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';

/**
 * Writes an item only if the stored one still has `expectedVersion` (undefined: only if none exists yet). Answers
 * false when another writer got there first, so that the caller re-reads and decides again.
 */
export async function putIfVersion(
  doc: DynamoDBDocumentClient,
  tableName: string,
  item: Record<string, unknown>,
  expectedVersion: number | undefined,
): Promise<boolean> {
  try {
    await doc.send(
      new PutCommand({
        TableName: tableName,
        Item: item,
        ...(expectedVersion === undefined
          ? { ConditionExpression: 'attribute_not_exists(pk)' }
          : {
              ConditionExpression: 'version = :expected',
              ExpressionAttributeValues: { ':expected': expectedVersion },
            }),
      }),
    );
    return true;
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return false;
    throw error;
  }
}

/**
 * `putIfVersion` for mode-specific items: the stored item must also be of the item's `mode`, so that a write of one
 * mode can never replace a record of the other, whatever ids it carries. Answers false when the condition fails.
 */
export async function putIfModeAndVersion(
  doc: DynamoDBDocumentClient,
  tableName: string,
  item: Record<string, unknown> & { mode: string },
  expectedVersion: number | undefined,
): Promise<boolean> {
  try {
    await doc.send(
      new PutCommand({
        TableName: tableName,
        Item: item,
        ...(expectedVersion === undefined
          ? { ConditionExpression: 'attribute_not_exists(pk)' }
          : {
              ConditionExpression: 'version = :expected AND #mode = :mode',
              ExpressionAttributeNames: { '#mode': 'mode' },
              ExpressionAttributeValues: { ':expected': expectedVersion, ':mode': item.mode },
            }),
      }),
    );
    return true;
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return false;
    throw error;
  }
}

/**
 * The caller's side of a versioned write: runs `attempt` (read, decide, write conditional on what was read) again
 * while it throws a lost condition (`isConflict`: the context's concurrent-update error), at most `maxAttempts` runs
 * in all, so each re-run decides on fresh data. Any other error, and the last run's conflict, is thrown.
 */
export async function retryOnConflict<T>(
  isConflict: (error: unknown) => boolean,
  maxAttempts: number,
  attempt: () => Promise<T>,
): Promise<T> {
  for (let run = 1; ; run++) {
    try {
      return await attempt();
    } catch (error) {
      if (!isConflict(error) || run >= maxAttempts) throw error;
    }
  }
}
