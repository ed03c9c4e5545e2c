import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { connectionKey } from '@basis/shared';
import type { ConnectionEntry } from '../domain/connection-registry.ts';
import type { ConnectionRegistry } from '../ports.ts';

export function dynamoConnectionRegistry(doc: DynamoDBDocumentClient, tableName: string): ConnectionRegistry {
  return {
    async add(clinicId, mode) {
      await doc.send(
        new UpdateCommand({
          TableName: tableName,
          Key: connectionKey(clinicId, mode),
          UpdateExpression: 'SET entityType = :entity, clinicId = :clinicId, #mode = :mode',
          ExpressionAttributeNames: { '#mode': 'mode' },
          ExpressionAttributeValues: { ':entity': 'connection', ':clinicId': clinicId, ':mode': mode },
        }),
      );
    },
    async remove(clinicId, mode) {
      await doc.send(new DeleteCommand({ TableName: tableName, Key: connectionKey(clinicId, mode) }));
    },
    async *list() {
      let startKey: Record<string, unknown> | undefined;
      do {
        const output = await doc.send(
          new QueryCommand({
            TableName: tableName,
            KeyConditionExpression: 'pk = :pk',
            ExpressionAttributeValues: { ':pk': 'CONNECTIONS' },
            ...(startKey ? { ExclusiveStartKey: startKey } : {}),
          }),
        );
        for (const item of output.Items ?? []) {
          const entry: ConnectionEntry = {
            clinicId: item.clinicId as string,
            mode: item.mode as ConnectionEntry['mode'],
            sweptUntil: (item.sweptUntil as number | undefined) ?? null,
          };
          yield entry;
        }
        startKey = output.LastEvaluatedKey;
      } while (startKey);
    },
    async markSwept(clinicId, mode, sweptUntil, lastEventReceivedAt) {
      try {
        await doc.send(
          new UpdateCommand({
            TableName: tableName,
            Key: connectionKey(clinicId, mode),
            UpdateExpression: `SET sweptUntil = :until${lastEventReceivedAt ? ', lastEventReceivedAt = :last' : ''}`,
            // Only while still connected, and never backwards.
            ConditionExpression:
              'attribute_exists(pk) AND (attribute_not_exists(sweptUntil) OR sweptUntil < :until)',
            ExpressionAttributeValues: {
              ':until': sweptUntil,
              ...(lastEventReceivedAt ? { ':last': lastEventReceivedAt } : {}),
            },
          }),
        );
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
      }
    },
  };
}
