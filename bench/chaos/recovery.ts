import {
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { Simulator } from '../support/simulator.ts';
import type { LocalStack } from '../support/system.ts';
import type { ClinicWork } from './workload.ts';

async function depth(sqs: SQSClient, queueUrl: string): Promise<number> {
  const output = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: queueUrl,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
    }),
  );
  const attributes = output.Attributes ?? {};
  return (
    Number(attributes.ApproximateNumberOfMessages ?? 0) +
    Number(attributes.ApproximateNumberOfMessagesNotVisible ?? 0)
  );
}

/** Messages waiting or in flight in the work queues (`dlq: false`) or in their DLQs (`dlq: true`). */
export async function queueDepth(stack: LocalStack, sqs: SQSClient, dlq: boolean): Promise<number> {
  const depths = await Promise.all(
    Object.values(stack.queues).map((queue) => depth(sqs, dlq ? queue.dlqUrl : queue.url)),
  );
  return depths.reduce((sum, value) => sum + value, 0);
}

/** Waits until `check` holds, polling every 100 ms; throws after `timeoutMs`. */
export async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`bench: ${what} not reached within ${timeoutMs / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Waits until the simulator has no delivery scheduled or in flight (retries included) for any clinic. */
export async function deliveriesSettled(works: readonly ClinicWork[], sim: Simulator, timeoutMs: number) {
  await waitFor(
    'the simulator’s deliveries settled',
    async () => {
      for (const work of works) {
        const deliveries = await sim.call('GET', '/_sim/deliveries', work.session.keys.secretKey, {
          type: 'none.none',
        });
        if (Number(deliveries.pending ?? 0) > 0) return false;
      }
      return true;
    },
    timeoutMs,
  );
}

/**
 * Moves every message of each DLQ back to its work queue, as an operator's redrive does (the bench does it by hand
 * on a clean SQS client, so that it is not itself a subject of the injected faults). Answers how many were moved.
 */
export async function redriveDlqs(stack: LocalStack, sqs: SQSClient): Promise<number> {
  let moved = 0;
  for (const queue of Object.values(stack.queues)) {
    for (;;) {
      const output = await sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: queue.dlqUrl,
          MaxNumberOfMessages: 10,
          WaitTimeSeconds: 0,
          MessageAttributeNames: ['All'],
        }),
      );
      const messages = output.Messages ?? [];
      if (messages.length === 0) break;
      await sqs.send(
        new SendMessageBatchCommand({
          QueueUrl: queue.url,
          Entries: messages.map((message, index) => ({
            Id: String(index),
            MessageBody: message.Body ?? '',
            ...(message.MessageAttributes ? { MessageAttributes: message.MessageAttributes } : {}),
          })),
        }),
      );
      await sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: queue.dlqUrl,
          Entries: messages.map((message, index) => ({
            Id: String(index),
            ReceiptHandle: message.ReceiptHandle,
          })),
        }),
      );
      moved += messages.length;
    }
  }
  return moved;
}
