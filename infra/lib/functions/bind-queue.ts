import { type QueueName, queueUrlEnvName } from '@basis/shared';
import type { Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';

/**
 * Tells the function the queue's URL and lets it send to that queue, and nothing else: `sqs:SendMessage`
 * also covers SendMessageBatch; the URL comes from the environment, so GetQueueUrl is not needed.
 */
export function bindQueue(fn: LambdaFunction, queueName: QueueName, queue: IQueue): void {
  fn.addEnvironment(queueUrlEnvName(queueName), queue.queueUrl);
  queue.grant(fn, 'sqs:SendMessage');
}
