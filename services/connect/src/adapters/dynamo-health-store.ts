import { type DynamoDBDocumentClient, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { connectionHealthKey, type Mode } from '@basis/shared';
import type { HealthStore, StoredHealth } from '../ports.ts';

/** The last health of each mode: one small item per mode, both read by one Query of the clinic's partition. */
export function dynamoHealthStore(doc: DynamoDBDocumentClient, tableName: string): HealthStore {
  return {
    async save(clinicId, mode, health) {
      await doc.send(
        new PutCommand({
          TableName: tableName,
          Item: {
            ...connectionHealthKey(clinicId, mode),
            entityType: 'connection_health',
            mode,
            status: health.status,
            checkedAt: health.checkedAt,
            failing: health.failing,
            setUpAt: health.setUpAt,
          },
        }),
      );
    },

    async lastKnown(clinicId) {
      const key = connectionHealthKey(clinicId, 'test');
      const output = await doc.send(
        new QueryCommand({
          TableName: tableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
          ExpressionAttributeNames: { '#mode': 'mode', '#status': 'status' },
          ExpressionAttributeValues: { ':pk': key.pk, ':prefix': 'CONNECTION_HEALTH#' },
          ProjectionExpression: '#mode, #status, checkedAt, failing, setUpAt',
        }),
      );
      const result: Partial<Record<Mode, StoredHealth>> = {};
      for (const item of output.Items ?? []) {
        result[item.mode as Mode] = {
          status: item.status as StoredHealth['status'],
          checkedAt: item.checkedAt as string,
          failing: item.failing as StoredHealth['failing'],
          setUpAt: item.setUpAt as string,
        };
      }
      return result;
    },
  };
}
