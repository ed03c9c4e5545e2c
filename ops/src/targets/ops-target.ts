import type { SQSClient } from '@aws-sdk/client-sqs';
import type { QueueName } from '@basis/shared';
import type { buildEventReplayer } from '@basis/webhook-ingest';

/** A queue and its DLQ, as SQS names them. */
export interface QueueAddress {
  url: string;
  arn: string;
  dlqUrl: string;
  dlqArn: string;
}

/** How a redrive went: SQS's move task (a stage), or the messages moved one by one (fauxqs, locally). */
export type RedriveResult =
  | { kind: 'move-task'; taskHandle: string; approximateMessages: number }
  | { kind: 'moved'; moved: number };

/**
 * What `npm run ops` works against: the local stack (`npm start`) or a deployed stage. The commands are the same;
 * only where the queues, secrets and Stripe are, and how a DLQ is redriven and an age is read, differ.
 */
export interface OpsTarget {
  /** `local` or `stage <name>`: printed with every command. */
  description: string;
  sqs: SQSClient;
  queues: Readonly<Record<QueueName, QueueAddress>>;
  replayer: ReturnType<typeof buildEventReplayer>;
  /** Age in seconds of each queue's (and DLQ's) oldest message, by URL; null when the queue is empty or unknown. */
  oldestAgeSeconds(urls: readonly string[]): Promise<Record<string, number | null>>;
  /** Moves every message of the queue's DLQ back into the queue. */
  redrive(queue: QueueName, onProgress: (moved: number) => void): Promise<RedriveResult>;
  close(): void;
}
