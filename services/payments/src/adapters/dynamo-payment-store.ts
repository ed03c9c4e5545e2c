import { type DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { paymentKeys, putIfVersion, queryPage } from '@basis/shared';
import { ConcurrentUpdateError, paymentRecordSchema } from '../domain/payment.ts';
import type { PaymentStore } from '../ports.ts';

const entityType = 'payment';

/** PaymentStore on the single table: one item per payment, every write conditional on the version it read. */
export function dynamoPaymentStore(doc: DynamoDBDocumentClient, tableName: string): PaymentStore {
  return {
    async get(clinicId, paymentId) {
      const output = await doc.send(
        new GetCommand({
          TableName: tableName,
          Key: paymentKeys.primary(clinicId, paymentId),
          ConsistentRead: true,
        }),
      );
      if (!output.Item) return undefined;
      return paymentRecordSchema.parse(output.Item);
    },
    async list(clinicId, mode, query) {
      const filters: string[] = [];
      const values: Record<string, unknown> = {
        ':pk': paymentKeys.byDate(clinicId, mode, '', '').gsi1pk,
        // `<createdAt>#<id>` sorts after `<createdAt>`: BETWEEN from AND to keeps `from` and excludes `to`.
        ':from': query.from ?? '0',
        ':to': query.to ?? '9',
      };
      if (query.status) {
        filters.push('#status = :status');
        values[':status'] = query.status;
      }
      if (query.clientId) {
        filters.push('clientId = :clientId');
        values[':clientId'] = query.clientId;
      }
      const page = await queryPage(
        doc,
        {
          TableName: tableName,
          IndexName: 'gsi1',
          KeyConditionExpression: 'gsi1pk = :pk AND gsi1sk BETWEEN :from AND :to',
          ScanIndexForward: false,
          ExpressionAttributeValues: values,
          ...(query.status ? { ExpressionAttributeNames: { '#status': 'status' } } : {}),
          ...(filters.length ? { FilterExpression: filters.join(' AND ') } : {}),
        },
        {
          limit: query.limit,
          cursor: query.cursor,
          keyAttributes: ['pk', 'sk', 'gsi1pk', 'gsi1sk'],
          map: (item) => paymentRecordSchema.parse(item),
        },
      );
      return page;
    },
    async save(record, expectedVersion) {
      const item = {
        ...paymentKeys.primary(record.clinicId, record.paymentId),
        ...paymentKeys.byDate(record.clinicId, record.mode, record.createdAt, record.paymentId),
        entityType,
        ...record,
      };
      if (!(await putIfVersion(doc, tableName, item, expectedVersion))) {
        throw new ConcurrentUpdateError(record.paymentId);
      }
    },
  };
}
