import type { Tracer } from '@aws-lambda-powertools/tracer';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/**
 * A DynamoDB document client with the marshalling options every adapter expects; traced by Powertools Tracer when
 * one is given (a no-op outside Lambda).
 */
export function createDocumentClient(
  client: DynamoDBClient = new DynamoDBClient({}),
  tracer?: Tracer,
): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(tracer ? tracer.captureAWSv3Client(client) : client, {
    marshallOptions: { removeUndefinedValues: true },
  });
}
