import { type DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ledgerKeys } from '../dynamo/keys.ts';
import { queryPage } from '../dynamo/paged-query.ts';
import {
  type EventLedger,
  type LedgerView,
  ledgerRetentionDays,
  sweepRefusedReason,
} from './event-ledger.ts';

export function dynamoEventLedger(doc: DynamoDBDocumentClient, tableName: string): EventLedger {
  return {
    async record(entry) {
      const decisive = entry.outcome !== 'failed';
      // One unconditional write per delivery: the first decisive outcome is kept with if_not_exists, a failure
      // only records its reason, so the entry reads `failed` until a retry settles it.
      await doc.send(
        new UpdateCommand({
          TableName: tableName,
          Key: ledgerKeys.entry(entry.clinicId, entry.mode, entry.created, entry.eventId),
          UpdateExpression:
            'SET entityType = :entity, eventId = :eventId, #type = :type, created = :created, objectId = :objectId, ' +
            'paymentId = :paymentId, receivedAt = if_not_exists(receivedAt, :receivedAt), lastOutcome = :outcome, ' +
            `expiresAt = :expiresAt, ${decisive ? 'outcome = if_not_exists(outcome, :outcome)' : 'failureReason = :reason'} ` +
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
            ...(decisive ? {} : { ':reason': entry.reason }),
          },
        }),
      );
    },

    async has(clinicId, mode, created, eventId) {
      const output = await doc.send(
        new GetCommand({
          TableName: tableName,
          Key: ledgerKeys.entry(clinicId, mode, created, eventId),
          ProjectionExpression: 'outcome, failureReason',
        }),
      );
      // An entry without a decisive outcome is a delivery that failed and was never settled: not seen, unless the
      // queue refused the event itself (sending it again would only be refused again).
      const reason = output.Item?.failureReason;
      return (
        output.Item?.outcome !== undefined ||
        (typeof reason === 'string' && reason.startsWith(sweepRefusedReason))
      );
    },

    async list(clinicId, mode, options) {
      const filters: string[] = [];
      const values: Record<string, unknown> = { ':pk': ledgerKeys.partition(clinicId, mode) };
      if (options.type) {
        filters.push('#type = :type');
        values[':type'] = options.type;
      }
      if (options.paymentId) {
        filters.push('paymentId = :paymentId');
        values[':paymentId'] = options.paymentId;
      }
      const page = await queryPage<LedgerView>(
        doc,
        {
          TableName: tableName,
          KeyConditionExpression: 'pk = :pk',
          ScanIndexForward: false,
          ExpressionAttributeValues: values,
          ...(options.type ? { ExpressionAttributeNames: { '#type': 'type' } } : {}),
          ...(filters.length ? { FilterExpression: filters.join(' AND ') } : {}),
        },
        {
          limit: options.limit,
          cursor: options.cursor,
          keyAttributes: ['pk', 'sk'],
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
