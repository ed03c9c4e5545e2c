import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { bookingKey } from '@basis/shared';
import type { BookingPayment } from '../domain/booking-payment.ts';
import type { BookingPaymentStore } from '../ports.ts';

export function dynamoBookingPaymentStore(
  doc: DynamoDBDocumentClient,
  tableName: string,
): BookingPaymentStore {
  return {
    async get(clinicId, mode, bookingId) {
      const output = await doc.send(
        new GetCommand({
          TableName: tableName,
          Key: bookingKey(clinicId, mode, bookingId),
          ConsistentRead: true,
        }),
      );
      if (!output.Item) return undefined;
      const { pk: _pk, sk: _sk, entityType: _type, ...booking } = output.Item;
      return booking as BookingPayment;
    },
    async claim(claim) {
      try {
        await doc.send(
          new PutCommand({
            TableName: tableName,
            Item: {
              ...bookingKey(claim.clinicId, claim.mode, claim.bookingId),
              entityType: 'booking_payment',
              ...claim,
            },
            // A new booking, or one of this mode whose PaymentIntent was canceled; the claim itself is not released.
            ConditionExpression: 'attribute_not_exists(pk) OR (released = :true AND #mode = :mode)',
            ExpressionAttributeNames: { '#mode': 'mode' },
            ExpressionAttributeValues: { ':true': true, ':mode': claim.mode },
          }),
        );
        return true;
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) return false;
        throw error;
      }
    },
    async setPaymentId(clinicId, mode, bookingId, paymentId) {
      await doc.send(
        new UpdateCommand({
          TableName: tableName,
          Key: bookingKey(clinicId, mode, bookingId),
          UpdateExpression: 'SET paymentId = :paymentId',
          ConditionExpression:
            '#mode = :mode AND (attribute_not_exists(paymentId) OR paymentId = :null OR paymentId = :paymentId)',
          ExpressionAttributeNames: { '#mode': 'mode' },
          ExpressionAttributeValues: { ':paymentId': paymentId, ':null': null, ':mode': mode },
        }),
      );
    },
    async release(clinicId, mode, bookingId, canceledPaymentId, nextIdempotencyKey) {
      try {
        await doc.send(
          new UpdateCommand({
            TableName: tableName,
            Key: bookingKey(clinicId, mode, bookingId),
            UpdateExpression: 'SET paymentId = :null, idempotencyKey = :next, released = :true',
            // Only from the canceled PaymentIntent: a release that lost a race to another changes nothing.
            ConditionExpression: 'paymentId = :canceled AND #mode = :mode',
            ExpressionAttributeNames: { '#mode': 'mode' },
            ExpressionAttributeValues: {
              ':mode': mode,
              ':null': null,
              ':next': nextIdempotencyKey,
              ':canceled': canceledPaymentId,
              ':true': true,
            },
          }),
        );
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
      }
    },
  };
}
