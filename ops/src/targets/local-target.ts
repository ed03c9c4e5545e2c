import {
  DeleteMessageBatchCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { fileSecretStore, localAwsConfig, readLocalEndpoints } from '@basis/local';
import { createStripeClient, envNames, type QueueName, sqsEventQueue } from '@basis/shared';
import { buildEventReplayer } from '@basis/webhook-ingest';
import type { OpsTarget, QueueAddress } from './ops-target.ts';

/** A message as fauxqs's inspection endpoint shows it. */
interface InspectedMessage {
  sentTimestamp: number;
}

/**
 * The `npm start` stack, found through the endpoints file it writes into its data folder. Secrets come from its
 * file secret store, Stripe is its simulator.
 */
export async function localTarget(dataDir: string): Promise<OpsTarget> {
  const endpoints = await readLocalEndpoints(dataDir);
  const sqs = new SQSClient(localAwsConfig(endpoints.sqsEndpoint));
  const queues = endpoints.queues as Record<QueueName, QueueAddress>;
  const replayer = buildEventReplayer({
    secrets: fileSecretStore(endpoints.secretsDir),
    queue: sqsEventQueue(
      sqs,
      Object.fromEntries(Object.entries(queues).map(([name, queue]) => [name, queue.url])),
    ),
    stripe: createStripeClient('eventSweeper', { [envNames.stripeApiUrl]: endpoints.stripeApiUrl }),
    now: () => new Date(),
  });
  return {
    description: `local stack (${endpoints.apiUrl})`,
    sqs,
    queues,
    replayer,
    oldestAgeSeconds: (urls) => oldestAgesFromFauxqs(endpoints.sqsEndpoint, urls),
    redrive: (queue, onProgress) => moveMessages(sqs, queues[queue], onProgress),
    close: () => sqs.destroy(),
  };
}

/**
 * SQS has no attribute for the oldest message's age (in AWS it is a CloudWatch metric). fauxqs shows every message
 * without receiving it (`/_fauxqs/queues/<name>`), so the age is read there, visibility and receive counts untouched.
 */
async function oldestAgesFromFauxqs(
  sqsEndpoint: string,
  urls: readonly string[],
): Promise<Record<string, number | null>> {
  const now = Date.now();
  const entries = await Promise.all(
    urls.map(async (url) => {
      const name = url.split('/').at(-1) ?? '';
      const answer = await fetch(new URL(`/_fauxqs/queues/${encodeURIComponent(name)}`, sqsEndpoint));
      if (!answer.ok) return [url, null] as const;
      const state = (await answer.json()) as {
        messages: {
          ready: InspectedMessage[];
          delayed: InspectedMessage[];
          inflight: { message: InspectedMessage }[];
        };
      };
      const sent = [
        ...state.messages.ready,
        ...state.messages.delayed,
        ...state.messages.inflight.map((entry) => entry.message),
      ].map((message) => message.sentTimestamp);
      return [url, sent.length ? Math.max(0, Math.round((now - Math.min(...sent)) / 1000)) : null] as const;
    }),
  );
  return Object.fromEntries(entries);
}

/**
 * fauxqs does not implement StartMessageMoveTask, so the local redrive does what a move task does, in the same
 * at-least-once order: receive a batch from the DLQ, send it to the queue (body and message attributes as they
 * were), and only then delete it from the DLQ. A crash in between leaves a copy in both, which the workers treat
 * as a duplicate. Stops when the DLQ answers empty.
 */
async function moveMessages(
  sqs: SQSClient,
  queue: QueueAddress,
  onProgress: (moved: number) => void,
): Promise<{ kind: 'moved'; moved: number }> {
  let moved = 0;
  for (;;) {
    const batch = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queue.dlqUrl,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 0,
        VisibilityTimeout: 60,
        MessageAttributeNames: ['All'],
      }),
    );
    const messages = batch.Messages ?? [];
    if (messages.length === 0) return { kind: 'moved', moved };
    const sent = await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: queue.url,
        Entries: messages.map((message, index) => ({
          Id: String(index),
          MessageBody: message.Body ?? '',
          ...(message.MessageAttributes ? { MessageAttributes: message.MessageAttributes } : {}),
        })),
      }),
    );
    if (sent.Failed?.length) {
      throw new Error(
        `SQS refused ${sent.Failed.length} messages: ${sent.Failed.map((f) => f.Message).join('; ')}`,
      );
    }
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
    onProgress(moved);
  }
}
