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
