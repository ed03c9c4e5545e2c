import { type DynamoDBDocumentClient, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { healthCounterKeys } from '@basis/shared';
import type { HealthCounters } from '../ports.ts';
import { healthCounterAddition, hourOf } from './health-counter-items.ts';

/**
 * One item per clinic, mode, kind and hour: `ADD count` and `SET lastAt` in one UpdateItem, whatever the count, so
 * a burst of failures costs one small write each and the item never grows. Reading a day is one Query of at most
 * 25 items.
 */
export function dynamoHealthCounters(doc: DynamoDBDocumentClient, tableName: string): HealthCounters {
  return {
    async add(clinicId, mode, kind, count, at) {
      await doc.send(new UpdateCommand(healthCounterAddition(tableName, clinicId, mode, kind, count, at)));
    },

    async since(clinicId, mode, kind, since, now) {
      const output = await doc.send(
        new QueryCommand({
          TableName: tableName,
          KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
          ExpressionAttributeNames: { '#count': 'count' },
          ExpressionAttributeValues: {
            ':pk': healthCounterKeys.partition(clinicId, mode),
            ':from': `${kind}#${hourOf(since)}`,
            ':to': `${kind}#${hourOf(now)}`,
          },
          ProjectionExpression: '#count, lastAt',
        }),
      );
      let count = 0;
      let lastAt: string | null = null;
      for (const item of output.Items ?? []) {
        const itemLastAt = item.lastAt as string;
        // The hour the window starts in counts only if something was added after the start (the count may then
        // include a few from just before it: the check needs "any since", the number is for a person).
        if (Date.parse(itemLastAt) < since.getTime()) continue;
        count += item.count as number;
        if (lastAt === null || itemLastAt > lastAt) lastAt = itemLastAt;
      }
      return { count, lastAt };
    },
  };
}
