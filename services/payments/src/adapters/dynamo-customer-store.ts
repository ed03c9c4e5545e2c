import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  TransactWriteCommand,
} from '@aws-sdk/lib-dynamodb';
import { cardKeys, customerKeys, queryAll } from '@basis/shared';
import type { CardRecord, CustomerRecord } from '../domain/customer.ts';
import type { CustomerStore } from '../ports.ts';

function isConditionFailure(error: unknown): boolean {
  return (
    error instanceof ConditionalCheckFailedException ||
    (error instanceof Error && error.name === 'TransactionCanceledException')
  );
}

function toCustomer(item: Record<string, unknown> | undefined): CustomerRecord | undefined {
  if (!item) return undefined;
  return {
    clinicId: item.clinicId as string,
    mode: item.mode as CustomerRecord['mode'],
    accountId: item.accountId as string,
    clientId: item.clientId as string,
    customerId: item.customerId as string,
  };
}

function toCard(item: Record<string, unknown>): CardRecord {
  const {
    pk: _pk,
    sk: _sk,
    gsi1pk: _gpk,
    gsi1sk: _gsk,
    entityType: _type,
    expiresAt: _expires,
    ...card
  } = item;
  return card as unknown as CardRecord;
}

const tombstoneDays = 35;

export function dynamoCustomerStore(doc: DynamoDBDocumentClient, tableName: string): CustomerStore {
  const get = async (key: { pk: string; sk: string }) =>
    (await doc.send(new GetCommand({ TableName: tableName, Key: key, ConsistentRead: true }))).Item;

  return {
    byClient: async (clinicId, mode, accountId, clientId) =>
      toCustomer(await get(customerKeys.byClient(clinicId, mode, accountId, clientId))),
    byStripeId: async (clinicId, mode, customerId) =>
      toCustomer(await get(customerKeys.byStripeId(clinicId, mode, customerId))),

    async create(record) {
      const attributes = { entityType: 'customer', ...record };
      try {
        // Both items or neither: the client → customer mapping and its reverse, for webhooks that name a customer.
        await doc.send(
          new TransactWriteCommand({
            TransactItems: [
              {
                Put: {
                  TableName: tableName,
                  Item: {
                    ...customerKeys.byClient(record.clinicId, record.mode, record.accountId, record.clientId),
                    ...attributes,
                  },
                  ConditionExpression: 'attribute_not_exists(pk)',
                },
              },
              {
                Put: {
                  TableName: tableName,
                  Item: {
                    ...customerKeys.byStripeId(record.clinicId, record.mode, record.customerId),
                    ...attributes,
                  },
                  ConditionExpression: 'attribute_not_exists(pk)',
                },
              },
            ],
          }),
        );
        return record;
      } catch (error) {
        if (!isConditionFailure(error)) throw error;
        const existing = toCustomer(
          await get(customerKeys.byClient(record.clinicId, record.mode, record.accountId, record.clientId)),
        );
        if (!existing) throw error;
        return existing;
      }
    },

    async forget(record) {
      try {
        await doc.send(
          new TransactWriteCommand({
            TransactItems: [
              {
                Delete: {
                  TableName: tableName,
                  Key: customerKeys.byClient(record.clinicId, record.mode, record.accountId, record.clientId),
                  // Only this customer: a concurrent request may already have made the next one.
                  ConditionExpression: 'customerId = :customerId',
                  ExpressionAttributeValues: { ':customerId': record.customerId },
                },
              },
              {
                Delete: {
                  TableName: tableName,
                  Key: customerKeys.byStripeId(record.clinicId, record.mode, record.customerId),
                },
              },
            ],
          }),
        );
      } catch (error) {
        if (!isConditionFailure(error)) throw error;
      }
    },

    async cards(clinicId, mode, customerId) {
      const { gsi1pk } = cardKeys.byCustomer(clinicId, mode, customerId, '');
      const items = await queryAll(doc, {
        TableName: tableName,
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :pk',
        ExpressionAttributeValues: { ':pk': gsi1pk },
      });
      return items.map(toCard);
    },

    async cardById(clinicId, mode, paymentMethodId) {
      const item = await get(cardKeys.primary(clinicId, mode, paymentMethodId));
      return item ? toCard(item) : undefined;
    },

    async putCardIfNewer(card) {
      try {
        await doc.send(
          new PutCommand({
            TableName: tableName,
            Item: {
              ...cardKeys.primary(card.clinicId, card.mode, card.paymentMethodId),
              ...cardKeys.byCustomer(card.clinicId, card.mode, card.customerId, card.paymentMethodId),
              entityType: 'card',
              ...card,
              ...(card.state === 'detached'
                ? { expiresAt: Math.floor(Date.now() / 1000) + tombstoneDays * 86_400 }
                : {}),
            },
            // A newer fact wins; in the same second a detach wins over an attach (it can only follow it). Only
            // over a card of the same mode: the key says so already, the condition keeps it so whatever the key.
            ConditionExpression:
              'attribute_not_exists(pk) OR (#mode = :mode AND (stateCreated < :created OR (stateCreated = :created AND #state = :attached AND :state = :detached)))',
            ExpressionAttributeNames: { '#state': 'state', '#mode': 'mode' },
            ExpressionAttributeValues: {
              ':mode': card.mode,
              ':created': card.stateCreated,
              ':state': card.state,
              ':attached': 'attached',
              ':detached': 'detached',
            },
          }),
        );
        return true;
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) return false;
        throw error;
      }
    },
  };
}
