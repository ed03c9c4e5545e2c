import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { documentClientOptions } from './document-client-options.ts';

/** A DynamoDB document client with the marshalling options every adapter expects. */
export function createDocumentClient(
  client: DynamoDBClient = new DynamoDBClient({}),
): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(client, documentClientOptions);
}
