import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { type EventLedger, type LedgerView, ledgerRetentionDays } from '../records/event-ledger.ts';
import { ledgerKeys } from '../records/keys.ts';
import { queryPage } from './dynamo-paged-query.ts';

export function dynamoEventLedger(doc: DynamoDBDocumentClient, tableName: string): EventLedger {
  return {
    async record(entry) {
      const Key = ledgerKeys.entry(entry.clinicId, entry.mode, entry.created, entry.eventId);
      const expiresAt = entry.created + ledgerRetentionDays * 86_400;
      try {
        await doc.send(
          new UpdateCommand({
            TableName: tableName,
            Key,
            UpdateExpression:
              'SET entityType = :entity, eventId = :eventId, #type = :type, created = :created, objectId = :objectId, ' +
              'paymentId = :paymentId, receivedAt = if_not_exists(receivedAt, :receivedAt), outcome = :outcome, ' +
              'reason = :reason, lastOutcome = :outcome, expiresAt = :expiresAt ADD deliveries :one',
            ConditionExpression: 'attribute_not_exists(pk) OR outcome = :failed',
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
              ':reason': entry.reason,
              ':expiresAt': expiresAt,
              ':one': 1,
              ':failed': 'failed',
            },
          }),
        );
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
        // Already settled by an earlier delivery: keep its outcome, count this one.
        await doc.send(
          new UpdateCommand({
            TableName: tableName,
            Key,
            UpdateExpression: 'SET lastOutcome = :outcome ADD deliveries :one',
            ExpressionAttributeValues: { ':outcome': entry.outcome, ':one': 1 },
          }),
        );
      }
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
            outcome: item.outcome as LedgerView['outcome'],
            reason: (item.reason as string | null) ?? null,
            objectId: item.objectId as string,
            deliveries: item.deliveries as number,
          }),
        },
      );
      return { data: page.items, nextCursor: page.nextCursor };
    },
  };
}
