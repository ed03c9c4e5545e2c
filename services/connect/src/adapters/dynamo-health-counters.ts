import { type DynamoDBDocumentClient, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { healthCounterKeys } from '@basis/shared';
import type { HealthCounters } from '../ports.ts';

/** Counters outlive the 24 h window health reads by a day, then DynamoDB's TTL removes them. */
const counterRetentionSeconds = 48 * 3_600;

/** `2026-11-26T13`: the UTC hour of a time, the sort-key suffix of its counter item. */
export function hourOf(at: Date): string {
  return at.toISOString().slice(0, 13);
}

/**
 * One item per clinic, mode, kind and hour: `ADD count` and `SET lastAt` in one UpdateItem, whatever the count, so
 * a burst of failures costs one small write each and the item never grows. Reading a day is one Query of at most
 * 25 items.
 */
export function dynamoHealthCounters(doc: DynamoDBDocumentClient, tableName: string): HealthCounters {
  return {
    async add(clinicId, mode, kind, count, at) {
      const hourStart = Date.parse(`${hourOf(at)}:00:00.000Z`) / 1000;
      await doc.send(
        new UpdateCommand({
          TableName: tableName,
          Key: healthCounterKeys.bucket(clinicId, mode, kind, hourOf(at)),
          UpdateExpression:
            'SET entityType = :entity, lastAt = :at, expiresAt = :expiresAt ADD #count :count',
          ExpressionAttributeNames: { '#count': 'count' },
          ExpressionAttributeValues: {
            ':entity': 'health_counter',
            ':at': at.toISOString(),
            ':expiresAt': hourStart + 3_600 + counterRetentionSeconds,
            ':count': count,
          },
        }),
      );
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
