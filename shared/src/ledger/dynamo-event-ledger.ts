import { type DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ledgerKeys } from '../dynamo/keys.ts';
import { queryPage } from '../dynamo/paged-query.ts';
import {
  type EventLedger,
  type LedgerView,
  ledgerRetentionDays,
  ledgerSubjectId,
  sweepRefusedReason,
} from './event-ledger.ts';

/**
 * The ledger on the table: an entry lives in the partition of the object it concerns (`ledgerKeys.entry`), so one
 * object's events are one Query; an entry that records a failure also gets the sparse gsi1 keys of the clinic's
 * failed events. An entry that only ever applies cleanly is one item write (1 WRU) and never touches an index.
 */
export function dynamoEventLedger(doc: DynamoDBDocumentClient, tableName: string): EventLedger {
  return {
    async record(entry) {
      const decisive = entry.outcome !== 'failed';
      const subjectId = ledgerSubjectId(entry);
      const failedKeys = ledgerKeys.failed(entry.clinicId, entry.mode, entry.created, entry.eventId);
      // One unconditional write per delivery: the first decisive outcome is kept with if_not_exists, a failure
      // only records its reason (and puts the entry in the failed-events index, where it stays after a retry
      // settles it: the admin sees what went wrong and what came of it), so the entry reads `failed` until a retry
      // settles it.
      await doc.send(
        new UpdateCommand({
          TableName: tableName,
          Key: ledgerKeys.entry(entry.clinicId, entry.mode, subjectId, entry.created, entry.eventId),
          UpdateExpression:
            'SET entityType = :entity, eventId = :eventId, #type = :type, created = :created, objectId = :objectId, ' +
            'paymentId = :paymentId, receivedAt = if_not_exists(receivedAt, :receivedAt), lastOutcome = :outcome, ' +
            `expiresAt = :expiresAt, ${
              decisive
                ? 'outcome = if_not_exists(outcome, :outcome)'
                : 'failureReason = :reason, gsi1pk = :gsi1pk, gsi1sk = :gsi1sk'
            } ` +
            'ADD deliveries :one',
          ExpressionAttributeNames: { '#type': 'type' },
          ExpressionAttributeValues: {
            ':entity': 'ledger_entry',
            ':eventId': entry.eventId,
            ':type': entry.type,
            ':created': entry.created,
            ':objectId': entry.objectId,
            ':paymentId': entry.paymentId,
            ':receivedAt': entry.receivedAt,
            ':outcome': entry.outcome,
            ':expiresAt': entry.created + ledgerRetentionDays * 86_400,
            ':one': 1,
            ...(decisive
              ? {}
              : { ':reason': entry.reason, ':gsi1pk': failedKeys.gsi1pk, ':gsi1sk': failedKeys.gsi1sk }),
          },
        }),
      );
    },

    async has(clinicId, mode, event) {
      const output = await doc.send(
        new GetCommand({
          TableName: tableName,
          Key: ledgerKeys.entry(clinicId, mode, ledgerSubjectId(event), event.created, event.eventId),
          ProjectionExpression: 'outcome, failureReason, receivedAt',
        }),
      );
      // An entry without a decisive outcome is a delivery that failed and was never settled: not seen, unless the
      // queue refused the event itself (sending it again would only be refused again).
      const reason = output.Item?.failureReason;
      return {
        settled:
          output.Item?.outcome !== undefined ||
          (typeof reason === 'string' && reason.startsWith(sweepRefusedReason)),
        receivedAt: (output.Item?.receivedAt as string | undefined) ?? null,
      };
    },

    async list(clinicId, mode, options) {
      const subjectId = options.paymentId ?? options.objectId;
      const filters: string[] = [];
      const values: Record<string, unknown> = {};
      if (options.type) {
        filters.push('#type = :type');
        values[':type'] = options.type;
      }
      // Both given: the payment's events that name that object (a refund's, a dispute's).
      if (options.paymentId && options.objectId) {
        filters.push('objectId = :objectId');
        values[':objectId'] = options.objectId;
      }
      const keyed =
        subjectId === undefined
          ? {
              IndexName: 'gsi1',
              KeyConditionExpression: 'gsi1pk = :pk',
              ExpressionAttributeValues: { ...values, ':pk': ledgerKeys.failedPartition(clinicId, mode) },
            }
          : {
              KeyConditionExpression: 'pk = :pk',
              ExpressionAttributeValues: {
                ...values,
                ':pk': ledgerKeys.partition(clinicId, mode, subjectId),
              },
            };
      const page = await queryPage<LedgerView>(
        doc,
        {
          TableName: tableName,
          ...keyed,
          ScanIndexForward: false,
          ...(options.type ? { ExpressionAttributeNames: { '#type': 'type' } } : {}),
          ...(filters.length ? { FilterExpression: filters.join(' AND ') } : {}),
        },
        {
          limit: options.limit,
          cursor: options.cursor,
          keyAttributes: subjectId === undefined ? ['pk', 'sk', 'gsi1pk', 'gsi1sk'] : ['pk', 'sk'],
          map: (item) => ({
            eventId: item.eventId as string,
            type: item.type as string,
            mode,
            created: new Date((item.created as number) * 1000).toISOString(),
            receivedAt: item.receivedAt as string,
            outcome: (item.outcome as LedgerView['outcome'] | undefined) ?? 'failed',
            reason: item.outcome ? null : ((item.failureReason as string | null) ?? null),
            objectId: item.objectId as string,
            deliveries: item.deliveries as number,
          }),
        },
      );
      return { data: page.items, nextCursor: page.nextCursor };
    },
  };
}
