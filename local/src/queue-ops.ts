import {
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { type QueueName, queueNames } from '@basis/shared';

/** A queue and its DLQ, as SQS names them. */
export interface QueueAddresses {
  url: string;
  dlqUrl: string;
}

/** Where queue states are read from: an SQS client, the queues, and how to read their oldest messages' ages. */
export interface QueueStatusSource {
  sqs: SQSClient;
  queues: Readonly<Record<QueueName, QueueAddresses>>;
  /** Age in seconds of each queue's (and DLQ's) oldest message, by URL; null when empty or unknown. */
  oldestAgeSeconds(urls: readonly string[]): Promise<Record<string, number | null>>;
}

/** One queue's state as `status` prints it. */
export interface QueueStatus {
  queue: string;
  visible: number;
  inFlight: number;
  delayed: number;
  oldestAgeSeconds: number | null;
  deadLetters: number;
  deadLetterOldestAgeSeconds: number | null;
}

async function countsOf(target: QueueStatusSource, url: string) {
  const { Attributes = {} } = await target.sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: url,
      AttributeNames: [
        'ApproximateNumberOfMessages',
        'ApproximateNumberOfMessagesNotVisible',
        'ApproximateNumberOfMessagesDelayed',
      ],
    }),
  );
  return {
    visible: Number(Attributes.ApproximateNumberOfMessages ?? 0),
    inFlight: Number(Attributes.ApproximateNumberOfMessagesNotVisible ?? 0),
    delayed: Number(Attributes.ApproximateNumberOfMessagesDelayed ?? 0),
  };
}

/** Each queue's depth (visible, in flight, delayed), its DLQ's count, and both oldest ages. */
export async function queueStatuses(target: QueueStatusSource): Promise<QueueStatus[]> {
  const urls = queueNames.flatMap((name) => [target.queues[name].url, target.queues[name].dlqUrl]);
  const ages = await target.oldestAgeSeconds(urls);
  return Promise.all(
    queueNames.map(async (name) => {
      const { url, dlqUrl } = target.queues[name];
      const [queue, dlq] = await Promise.all([countsOf(target, url), countsOf(target, dlqUrl)]);
      return {
        queue: name,
        ...queue,
        oldestAgeSeconds: ages[url] ?? null,
        deadLetters: dlq.visible + dlq.inFlight + dlq.delayed,
        deadLetterOldestAgeSeconds: ages[dlqUrl] ?? null,
      };
    }),
  );
}

/** A message as fauxqs's inspection endpoint shows it. */
interface InspectedMessage {
  sentTimestamp: number;
}

/**
 * SQS has no attribute for the oldest message's age (in AWS it is a CloudWatch metric). fauxqs shows every message
 * without receiving it (`/_fauxqs/queues/<name>`), so the age is read there, visibility and receive counts untouched.
 */
export async function oldestAgesFromFauxqs(
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
export async function moveDeadLetters(
  sqs: SQSClient,
  queue: QueueAddresses,
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
