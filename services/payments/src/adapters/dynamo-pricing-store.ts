import { type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { pricingKey } from '@basis/shared';
import { pricingSchema } from '../domain/pricing.ts';
import type { PricingStore } from '../ports.ts';

export function dynamoPricingStore(doc: DynamoDBDocumentClient, tableName: string): PricingStore {
  return {
    async get(clinicId, serviceId) {
      const output = await doc.send(
        new GetCommand({ TableName: tableName, Key: pricingKey(clinicId, serviceId) }),
      );
      if (!output.Item) return undefined;
      const { requirePaymentAtBooking, amount, currency } = output.Item;
      return pricingSchema.parse({ requirePaymentAtBooking, amount, currency });
    },
    async put(clinicId, serviceId, pricing) {
      await doc.send(
        new PutCommand({
          TableName: tableName,
          Item: {
            ...pricingKey(clinicId, serviceId),
            entityType: 'pricing',
            clinicId,
            serviceId,
            ...pricing,
          },
        }),
      );
    },
  };
}
