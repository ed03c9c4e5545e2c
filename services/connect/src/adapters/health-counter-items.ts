import type { UpdateCommandInput } from '@aws-sdk/lib-dynamodb';
import { healthCounterKeys, type Mode } from '@basis/shared';
import type { HealthCounterKind } from '../ports.ts';

/*
 * The counter item's shape, without the SDK (type imports only): the adapter that has a document client at init
 * (`dynamoHealthCounters`) and the one that imports the SDK on its first write (`deferredHealthCounterAdder`) write
 * the same item.
 */

/** Counters outlive the 24 h window health reads by a day, then DynamoDB's TTL removes them. */
const counterRetentionSeconds = 48 * 3_600;

/** `2026-11-26T13`: the UTC hour of a time, the sort-key suffix of its counter item. */
export function hourOf(at: Date): string {
  return at.toISOString().slice(0, 13);
}

/**
 * The UpdateItem that adds `count` at `at` to the clinic's, mode's and kind's item of that hour: `ADD count` and
 * `SET lastAt`, with a TTL a day past the 24 h window.
 */
export function healthCounterAddition(
  tableName: string,
  clinicId: string,
  mode: Mode,
  kind: HealthCounterKind,
  count: number,
  at: Date,
): UpdateCommandInput {
  const hourStart = Date.parse(`${hourOf(at)}:00:00.000Z`) / 1000;
  return {
    TableName: tableName,
    Key: healthCounterKeys.bucket(clinicId, mode, kind, hourOf(at)),
    UpdateExpression: 'SET entityType = :entity, lastAt = :at, expiresAt = :expiresAt ADD #count :count',
    ExpressionAttributeNames: { '#count': 'count' },
    ExpressionAttributeValues: {
      ':entity': 'health_counter',
      ':at': at.toISOString(),
      ':expiresAt': hourStart + 3_600 + counterRetentionSeconds,
      ':count': count,
    },
  };
}
