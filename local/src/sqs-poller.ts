import {
  DeleteMessageBatchCommand,
  type Message,
  ReceiveMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { FunctionName } from '@basis/shared';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { lambdaContext } from './lambda-context.ts';

export type SqsFunction = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse | undefined>;

export interface QueuePoller {
  stop(): Promise<void>;
  /** Resolves once the poller has seen the queue empty, after a batch, at least once since the call. */
  idle(): Promise<void>;
}

function toRecord(message: Message, queueArn: string): SQSRecord {
  const attributes = message.Attributes ?? {};
  return {
    messageId: message.MessageId ?? '',
    receiptHandle: message.ReceiptHandle ?? '',
    body: message.Body ?? '',
    attributes: {
      ApproximateReceiveCount: attributes.ApproximateReceiveCount ?? '1',
      SentTimestamp: attributes.SentTimestamp ?? String(Date.now()),
      SenderId: attributes.SenderId ?? 'local',
      ApproximateFirstReceiveTimestamp: attributes.ApproximateFirstReceiveTimestamp ?? String(Date.now()),
    },
    messageAttributes: Object.fromEntries(
      Object.entries(message.MessageAttributes ?? {}).map(([name, value]) => [
        name,
        { dataType: value.DataType ?? 'String', stringValue: value.StringValue },
      ]),
    ),
    md5OfBody: message.MD5OfBody ?? '',
    eventSource: 'aws:sqs',
    eventSourceARN: queueArn,
    awsRegion: 'us-east-1',
  };
}

/**
 * Batches in flight per queue. Lambda's SQS event-source mapping starts with five concurrent pollers, each invoking
 * the function with its own batch, and scales up with the backlog (AWS Lambda Developer Guide, "Using Lambda with
 * Amazon SQS", scaling behaviour); playing five keeps local throughput limited by the emulators, not by the poller,
 * and lets batches of one object race as they do in AWS.
 */
export const defaultPollerConcurrency = 5;

/**
 * Plays Lambda's SQS event-source mapping for one queue: `concurrency` loops each long-poll a batch, invoke the
 * worker and delete the messages it did not report in `batchItemFailures`. A reported or thrown failure leaves the
 * message to come back after the visibility timeout; SQS's redrive policy moves it to the DLQ after
 * `maxReceiveCount`.
 *
 * The queue's `maxBatchingWindowSeconds` is not played: a window trades up to that much delay per event for fewer
 * invocations, receives and deletes, which cost nothing here, while every test and the walk-through would wait it
 * out. Batches still fill under load (each receive takes up to `batchSize` messages); the window's effect on cost is
 * in the cost model's batches of 10.
 */
export function startQueuePoller(options: {
  sqs: SQSClient;
  queueUrl: string;
  queueArn: string;
  batchSize: number;
  functionName: FunctionName;
  handler: SqsFunction;
  onError?: (error: unknown) => void;
  concurrency?: number;
}): QueuePoller {
  let running = true;
  let idleWaiters: Array<() => void> = [];
  /** Batches being processed: the queue is idle only when a poll finds nothing and none is in flight. */
  let inFlight = 0;
  const abort = new AbortController();

  /** One long poll; undefined when it failed (reported, then a short pause before the next). */
  const receive = async (): Promise<Message[] | undefined> => {
    try {
      const output = await options.sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: options.queueUrl,
          MaxNumberOfMessages: Math.min(10, options.batchSize),
          WaitTimeSeconds: 1,
          MessageSystemAttributeNames: ['All'],
          MessageAttributeNames: ['All'],
        }),
        { abortSignal: abort.signal },
      );
      return output.Messages ?? [];
    } catch (error) {
      if (running) {
        options.onError?.(error);
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
      return undefined;
    }
  };

  const announceIdle = () => {
    if (inFlight > 0) return;
    const waiters = idleWaiters;
    idleWaiters = [];
    for (const resolve of waiters) resolve();
  };

  const loop = async () => {
    while (running) {
      const messages = await receive();
      if (!messages) continue;
      if (messages.length === 0) {
        announceIdle();
        continue;
      }
      inFlight++;
      await invoke(messages)
        .catch((error: unknown) => options.onError?.(error))
        .finally(() => inFlight--);
    }
  };

  const invoke = async (messages: Message[]) => {
    const records = messages.map((message) => toRecord(message, options.queueArn));
    let failed: Set<string>;
    try {
      const response = await options.handler({ Records: records }, lambdaContext(options.functionName));
      failed = new Set((response?.batchItemFailures ?? []).map((failure) => failure.itemIdentifier));
    } catch (error) {
      // A thrown invocation fails the whole batch, as Lambda does.
      options.onError?.(error);
      failed = new Set(records.map((record) => record.messageId));
    }
    const done = records.filter((record) => !failed.has(record.messageId));
    if (done.length === 0) return;
    await options.sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: options.queueUrl,
        Entries: done.map((record, index) => ({ Id: String(index), ReceiptHandle: record.receiptHandle })),
      }),
    );
  };

  const finished = Promise.all(
    Array.from({ length: options.concurrency ?? defaultPollerConcurrency }, () => loop()),
  );
  return {
    async stop() {
      running = false;
      abort.abort();
      await finished;
    },
    idle: () => new Promise<void>((resolve) => idleWaiters.push(resolve)),
  };
}
