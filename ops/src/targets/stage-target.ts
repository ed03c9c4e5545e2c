import { setTimeout as sleep } from 'node:timers/promises';
import { CloudWatchClient, GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import {
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ListMessageMoveTasksCommand,
  SQSClient,
  StartMessageMoveTaskCommand,
} from '@aws-sdk/client-sqs';
import { resourceName } from '@basis/infra/resource-names';
import {
  createStripeClient,
  type QueueName,
  queueNames,
  secretsManagerSecretStore,
  sqsEventQueue,
} from '@basis/shared';
import { buildEventReplayer } from '@basis/webhook-ingest';
import type { OpsTarget, QueueAddress } from './ops-target.ts';

/** How often a running move task is asked for its progress. */
const movePollMs = 2_000;

async function addressOf(sqs: SQSClient, queueName: string): Promise<{ url: string; arn: string }> {
  const { QueueUrl: url } = await sqs.send(new GetQueueUrlCommand({ QueueName: queueName }));
  if (!url) throw new Error(`SQS has no queue ${queueName}`);
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }),
  );
  if (!Attributes?.QueueArn) throw new Error(`Queue ${queueName} has no ARN`);
  return { url, arn: Attributes.QueueArn };
}

/**
 * A deployed stage, with AWS credentials and region from the environment as the AWS CLI finds them (profile,
 * SSO, variables). Queue names come from the stage's naming (infra/lib/config/resource-names.ts), clinic secrets
 * from Secrets Manager under the stage's prefix, Stripe is Stripe.
 */
export async function stageTarget(stage: string, secretPrefix: string): Promise<OpsTarget> {
  const sqs = new SQSClient({});
  const cloudWatch = new CloudWatchClient({});
  const entries = await Promise.all(
    queueNames.map(async (name) => {
      const [queue, dlq] = await Promise.all([
        addressOf(sqs, resourceName(stage, name)),
        addressOf(sqs, `${resourceName(stage, name)}-dlq`),
      ]);
      return [name, { url: queue.url, arn: queue.arn, dlqUrl: dlq.url, dlqArn: dlq.arn }] as const;
    }),
  );
  const queues = Object.fromEntries(entries) as Record<QueueName, QueueAddress>;
  const replayer = buildEventReplayer({
    secrets: secretsManagerSecretStore(new SecretsManagerClient({}), secretPrefix),
    queue: sqsEventQueue(sqs, Object.fromEntries(entries.map(([name, queue]) => [name, queue.url]))),
    stripe: createStripeClient('eventSweeper', {}),
    now: () => new Date(),
  });
  return {
    description: `stage ${stage}`,
    sqs,
    queues,
    replayer,
    oldestAgeSeconds: (urls) => oldestAgesFromCloudWatch(cloudWatch, urls),
    redrive: async (queue, onProgress) => {
      const address = queues[queue];
      // SQS's own redrive: a move task from the DLQ back to its source queue, at SQS's pace.
      const started = await sqs.send(
        new StartMessageMoveTaskCommand({ SourceArn: address.dlqArn, DestinationArn: address.arn }),
      );
      for (;;) {
        const { Results } = await sqs.send(new ListMessageMoveTasksCommand({ SourceArn: address.dlqArn }));
        const task = Results?.find((result) => result.TaskHandle === started.TaskHandle) ?? Results?.[0];
        onProgress(task?.ApproximateNumberOfMessagesMoved ?? 0);
        if (task?.Status === 'FAILED' || task?.Status === 'CANCELLED') {
          throw new Error(`The move task ended ${task.Status}: ${task.FailureReason ?? 'no reason given'}`);
        }
        if (!task || task.Status === 'COMPLETED') {
          return {
            kind: 'move-task',
            taskHandle: started.TaskHandle ?? '',
            approximateMessages: task?.ApproximateNumberOfMessagesMoved ?? 0,
          };
        }
        await sleep(movePollMs);
      }
    },
    close: () => {
      sqs.destroy();
      cloudWatch.destroy();
    },
  };
}

/** The latest `ApproximateAgeOfOldestMessage` (AWS/SQS, 1-minute maximum) of each queue over the last 15 minutes. */
async function oldestAgesFromCloudWatch(
  cloudWatch: CloudWatchClient,
  urls: readonly string[],
): Promise<Record<string, number | null>> {
  const end = new Date();
  const { MetricDataResults } = await cloudWatch.send(
    new GetMetricDataCommand({
      StartTime: new Date(end.getTime() - 15 * 60_000),
      EndTime: end,
      ScanBy: 'TimestampDescending',
      MetricDataQueries: urls.map((url, index) => ({
        Id: `q${index}`,
        MetricStat: {
          Metric: {
            Namespace: 'AWS/SQS',
            MetricName: 'ApproximateAgeOfOldestMessage',
            Dimensions: [{ Name: 'QueueName', Value: url.split('/').at(-1) ?? '' }],
          },
          Period: 60,
          Stat: 'Maximum',
        },
      })),
    }),
  );
  return Object.fromEntries(
    urls.map((url, index) => {
      const values = MetricDataResults?.find((result) => result.Id === `q${index}`)?.Values ?? [];
      return [url, values[0] ?? null];
    }),
  );
}
