import {
  CreateTableCommand,
  type DynamoDBClient,
  type Projection,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import { CreateQueueCommand, GetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { type IndexProjection, type QueueName, queueNames, queues, table } from '@basis/shared';

export interface ProvisionedQueue {
  url: string;
  arn: string;
  dlqUrl: string;
  dlqArn: string;
}

export interface QueueOverrides {
  /** Tests shorten this so that a failed message comes back in a second rather than minutes. */
  visibilityTimeoutSeconds?: number;
}

/** The index's projection as DynamoDB's CreateTable takes it. */
function projectionOf(projection: IndexProjection): Projection {
  return projection.type === 'INCLUDE'
    ? { ProjectionType: 'INCLUDE', NonKeyAttributes: [...projection.attributes] }
    : { ProjectionType: projection.type };
}

/** Creates the single table as the stack does: the same keys, indexes and TTL attribute, from the topology. */
export async function createTable(dynamo: DynamoDBClient, tableName: string): Promise<void> {
  const keyNames = [
    table.partitionKey,
    table.sortKey,
    ...table.indexes.flatMap((i) => [i.partitionKey, i.sortKey]),
  ];
  await dynamo.send(
    new CreateTableCommand({
      TableName: tableName,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: keyNames.map((name) => ({ AttributeName: name, AttributeType: 'S' })),
      KeySchema: [
        { AttributeName: table.partitionKey, KeyType: 'HASH' },
        { AttributeName: table.sortKey, KeyType: 'RANGE' },
      ],
      GlobalSecondaryIndexes: table.indexes.map((index) => ({
        IndexName: index.name,
        KeySchema: [
          { AttributeName: index.partitionKey, KeyType: 'HASH' },
          { AttributeName: index.sortKey, KeyType: 'RANGE' },
        ],
        Projection: projectionOf(index.projection),
      })),
    }),
  );
  await dynamo.send(
    new UpdateTimeToLiveCommand({
      TableName: tableName,
      TimeToLiveSpecification: { AttributeName: table.ttlAttribute, Enabled: true },
    }),
  );
}

async function queueArn(sqs: SQSClient, url: string): Promise<string> {
  const output = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }),
  );
  const arn = output.Attributes?.QueueArn;
  if (!arn) throw new Error(`Queue ${url} has no ARN`);
  return arn;
}

/** Creates every queue of the topology with its DLQ and redrive policy, as the stack does. */
export async function createQueues(
  sqs: SQSClient,
  namePrefix: string,
  overrides: QueueOverrides = {},
): Promise<Record<QueueName, ProvisionedQueue>> {
  const entries = await Promise.all(
    queueNames.map(async (name) => {
      const definition = queues[name];
      const dlq = await sqs.send(
        new CreateQueueCommand({
          QueueName: `${namePrefix}${name}-dlq`,
          Attributes: { MessageRetentionPeriod: String(definition.dlqRetentionDays * 86_400) },
        }),
      );
      if (!dlq.QueueUrl) throw new Error(`No URL for the ${name} DLQ`);
      const dlqArn = await queueArn(sqs, dlq.QueueUrl);
      const queue = await sqs.send(
        new CreateQueueCommand({
          QueueName: `${namePrefix}${name}`,
          Attributes: {
            VisibilityTimeout: String(
              overrides.visibilityTimeoutSeconds ?? definition.visibilityTimeoutSeconds,
            ),
            MessageRetentionPeriod: String(definition.retentionDays * 86_400),
            RedrivePolicy: JSON.stringify({
              deadLetterTargetArn: dlqArn,
              maxReceiveCount: String(definition.maxReceiveCount),
            }),
          },
        }),
      );
      if (!queue.QueueUrl) throw new Error(`No URL for the ${name} queue`);
      const provisioned: ProvisionedQueue = {
        url: queue.QueueUrl,
        arn: await queueArn(sqs, queue.QueueUrl),
        dlqUrl: dlq.QueueUrl,
        dlqArn,
      };
      return [name, provisioned] as const;
    }),
  );
  return Object.fromEntries(entries) as Record<QueueName, ProvisionedQueue>;
}
