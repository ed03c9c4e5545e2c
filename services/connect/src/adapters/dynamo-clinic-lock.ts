import { randomUUID } from 'node:crypto';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, type DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { ClinicLock } from '../ports.ts';

/**
 * A lease in the table: one item per clinic, taken with a conditional put, given back with a conditional delete.
 * A lease left behind by a crashed process expires after `leaseSeconds`, so a clinic is never locked for good.
 */
export function dynamoClinicLock(
  doc: DynamoDBDocumentClient,
  tableName: string,
  leaseSeconds = 60,
): ClinicLock {
  return async (clinicId, work) => {
    const key = { pk: 'LOCK#CONNECT', sk: clinicId };
    const owner = randomUUID();
    const now = Math.floor(Date.now() / 1000);
    try {
      await doc.send(
        new PutCommand({
          TableName: tableName,
          Item: { ...key, entityType: 'lock', owner, expiresAt: now + leaseSeconds },
          ConditionExpression: 'attribute_not_exists(pk) OR expiresAt < :now',
          ExpressionAttributeValues: { ':now': now },
        }),
      );
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return undefined;
      throw error;
    }
    try {
      return await work();
    } finally {
      await doc
        .send(
          new DeleteCommand({
            TableName: tableName,
            Key: key,
            ConditionExpression: '#owner = :owner',
            ExpressionAttributeNames: { '#owner': 'owner' },
            ExpressionAttributeValues: { ':owner': owner },
          }),
        )
        .catch((error: unknown) => {
          if (!(error instanceof ConditionalCheckFailedException)) throw error;
        });
    }
  };
}
