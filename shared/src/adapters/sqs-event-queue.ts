import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { WebhookEventMessage } from '../contracts/queue-message.ts';
import type { QueueName } from '../topology.ts';

/** The port webhook-ingest uses to hand an event to a worker. */
export interface EventQueue {
  send(queue: QueueName, message: WebhookEventMessage): Promise<void>;
}

export function sqsEventQueue(client: SQSClient, queueUrls: Readonly<Record<QueueName, string>>): EventQueue {
  return {
    async send(queue, message) {
      await client.send(
        new SendMessageCommand({
          QueueUrl: queueUrls[queue],
          MessageBody: JSON.stringify(message),
          MessageAttributes: {
            eventType: { DataType: 'String', StringValue: message.event.type },
            clinicId: { DataType: 'String', StringValue: message.clinicId },
          },
        }),
      );
    },
  };
}
