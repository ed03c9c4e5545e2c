import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { paymentKeys } from '../records/keys.ts';
import { ConcurrentUpdateError, type PaymentStore, paymentRecordSchema } from '../records/payment.ts';

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
    async save(record, expectedVersion) {
      const item = {
        ...paymentKeys.primary(record.clinicId, record.paymentId),
        ...paymentKeys.byDate(record.clinicId, record.mode, record.createdAt, record.paymentId),
        entityType,
        ...record,
      };
      try {
        await doc.send(
          new PutCommand({
            TableName: tableName,
            Item: item,
            ...(expectedVersion === undefined
              ? { ConditionExpression: 'attribute_not_exists(pk)' }
              : {
                  ConditionExpression: 'version = :expected',
                  ExpressionAttributeValues: { ':expected': expectedVersion },
                }),
          }),
        );
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException)
          throw new ConcurrentUpdateError(record.paymentId);
        throw error;
      }
    },
  };
}
