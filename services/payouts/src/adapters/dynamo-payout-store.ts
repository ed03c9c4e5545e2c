import { BatchWriteCommand, type DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { payoutKeys, putIfModeAndVersion, queryAll, queryPage, table } from '@basis/shared';
import {
  ConcurrentPayoutUpdateError,
  type PayoutItem,
  type PayoutRecord,
  payoutItemSchema,
  payoutRecordSchema,
} from '../domain/payout.ts';
import type { PayoutStore } from '../ports.ts';

const payoutEntity = 'payout';
const itemEntity = 'payout_item';
/** DynamoDB's limit per BatchWriteItem. */
const batchSize = 25;
const maxBatchAttempts = 8;

function itemOf(record: PayoutRecord) {
  return {
    ...payoutKeys.primary(record.clinicId, record.mode, record.payoutId),
    ...payoutKeys.byDate(record.clinicId, record.mode, record.createdAt, record.payoutId),
    entityType: payoutEntity,
    ...record,
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * PayoutStore on the single table. A payout is one item (`sk PAYOUT#<mode>#<id>`, listed through gsi1 per clinic
 * and mode, newest first); its balance transactions are items beside it (`sk PAYOUT#<mode>#<id>#ITEM#<txn>`), so
 * one Query reads a payout with its items. Every write of the payout is conditional on the version it read and on
 * its mode, so an event of one mode can never change a payout of the other, whatever id it names.
 */
export function dynamoPayoutStore(doc: DynamoDBDocumentClient, tableName: string): PayoutStore {
  const index = table.indexes[0];
  return {
    async get(clinicId, mode, payoutId) {
      const output = await doc.send(
        new GetCommand({
          TableName: tableName,
          Key: payoutKeys.primary(clinicId, mode, payoutId),
          ConsistentRead: true,
        }),
      );
      return output.Item ? payoutRecordSchema.parse(output.Item) : undefined;
    },

    async save(record, expectedVersion) {
      if (!(await putIfModeAndVersion(doc, tableName, itemOf(record), expectedVersion))) {
        throw new ConcurrentPayoutUpdateError(record.payoutId);
      }
    },

    async putItems(items) {
      for (let start = 0; start < items.length; start += batchSize) {
        let requests = items.slice(start, start + batchSize).map((item: PayoutItem) => ({
          PutRequest: {
            Item: {
              ...payoutKeys.item(item.clinicId, item.mode, item.payoutId, item.balanceTransactionId),
              entityType: itemEntity,
              ...item,
            },
          },
        }));
        for (let attempt = 1; requests.length > 0; attempt++) {
          if (attempt > maxBatchAttempts) throw new Error('DynamoDB left payout items unprocessed.');
          if (attempt > 1) await sleep(Math.min(2000, 50 * 2 ** attempt));
          const output = await doc.send(new BatchWriteCommand({ RequestItems: { [tableName]: requests } }));
          requests = (output.UnprocessedItems?.[tableName] ?? []) as typeof requests;
        }
      }
    },

    async getWithItems(clinicId, mode, payoutId) {
      const bounds = payoutKeys.withItems(mode, payoutId);
      const primary = payoutKeys.primary(clinicId, mode, payoutId);
      const rows = await queryAll(doc, {
        TableName: tableName,
        KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
        ExpressionAttributeValues: { ':pk': primary.pk, ':from': bounds.from, ':to': bounds.to },
        ConsistentRead: true,
      });
      let record: PayoutRecord | undefined;
      const items: PayoutItem[] = [];
      for (const row of rows) {
        if (row.sk === primary.sk) record = payoutRecordSchema.parse(row);
        else if (row.entityType === itemEntity && row.payoutId === payoutId && row.mode === mode)
          items.push(payoutItemSchema.parse(row));
      }
      if (!record) return undefined;
      items.sort((a, b) => a.position - b.position);
      return { record, items };
    },

    async list(clinicId, mode, page) {
      if (!index) throw new Error('The table has no gsi1.');
      const partition = payoutKeys.byDatePartition(clinicId, mode);
      // The shared paging: a forged or foreign cursor is a 400, never a DynamoDB ValidationException.
      const found = await queryPage(
        doc,
        {
          TableName: tableName,
          IndexName: index.name,
          KeyConditionExpression: `${index.partitionKey} = :pk`,
          ExpressionAttributeValues: { ':pk': partition },
          ScanIndexForward: false,
        },
        {
          limit: page.limit,
          cursor: page.cursor,
          keyAttributes: [table.partitionKey, table.sortKey, index.partitionKey, index.sortKey],
          map: (row) => payoutRecordSchema.parse(row),
        },
      );
      return { records: found.items, nextCursor: found.nextCursor };
    },
  };
}
