import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { isWebhookEventMessage, type QueueMessage } from '../contracts/queue-message.ts';
import type { QueueName } from '../topology.ts';

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
          MessageBody: sqsSafeJson(message),
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
const refusedBySqs = /[\ufffe\uffff]|[\ud800-\udbff][\udc00-\udfff]/g;

/**
 * The message as JSON that SQS takes: SQS refuses U+FFFE and U+FFFF in a body (and the local emulator every astral
 * character, such as an emoji), while Stripe takes any of them in a description or metadata. Inside JSON strings,
 * where alone they can occur, each is written as its `\uXXXX` escape: the worker parses back the same strings.
 * (JSON.stringify already escapes control characters and lone surrogates.)
 */
function sqsSafeJson(message: unknown): string {
  return JSON.stringify(message).replace(refusedBySqs, (characters) =>
    [...characters]
      .flatMap((character) => {
        const code = character.codePointAt(0) ?? 0;
        return code > 0xffff ? [character.charCodeAt(0), character.charCodeAt(1)] : [code];
      })
      .map((unit) => `\\u${unit.toString(16).padStart(4, '0')}`)
      .join(''),
  );
}

function queueUrlOf(queueUrls: Readonly<Partial<Record<QueueName, string>>>, queue: QueueName): string {
  const url = queueUrls[queue];
  if (!url) throw new Error(`This function may not send to the ${queue} queue.`);
  return url;
}
