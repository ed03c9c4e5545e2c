import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { isWebhookEventMessage, type QueueMessage } from '../contracts/queue-message.ts';
import type { QueueName } from '../topology.ts';
import { encodeQueueMessageBody } from './queue-message-body.ts';

/** The port that hands work to a worker: webhook events from ingest, follow-ups from the APIs. */
export interface EventQueue {
  send(queue: QueueName, message: QueueMessage, options?: { delaySeconds?: number }): Promise<void>;
}

export function sqsEventQueue(
  client: SQSClient,
  queueUrls: Readonly<Partial<Record<QueueName, string>>>,
): EventQueue {
  return {
    async send(queue, message, options = {}) {
      const kind = isWebhookEventMessage(message) ? message.event.type : message.kind;
      await client.send(
        new SendMessageCommand({
          QueueUrl: queueUrlOf(queueUrls, queue),
          // Escaped where SQS could refuse a character: an event must never be undeliverable for its text.
          MessageBody: encodeQueueMessageBody(message),
          ...(options.delaySeconds ? { DelaySeconds: options.delaySeconds } : {}),
          MessageAttributes: {
            kind: { DataType: 'String', StringValue: kind },
            clinicId: { DataType: 'String', StringValue: message.clinicId },
          },
        }),
      );
    },
  };
}

// U+FFFE, U+FFFF and every astral character (a surrogate pair in UTF-16).

function queueUrlOf(queueUrls: Readonly<Partial<Record<QueueName, string>>>, queue: QueueName): string {
  const url = queueUrls[queue];
  if (!url) throw new Error(`This function may not send to the ${queue} queue.`);
  return url;
}
