import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { startDynamoDbLocal } from '@basis/local/dynamodb-local';
import { localAwsConfig } from '@basis/local/local-aws';
import { createTable } from '@basis/local/provision';
import { countDynamoRequests } from '@basis/local/request-counter';
import { paymentsWorkerFrom } from '@basis/payments/wiring';
import type { WebhookEventMessage } from '@basis/shared/contracts/queue-message';
import { createDocumentClient } from '@basis/shared/dynamo/document-client';
import { createStripeClient } from '@basis/shared/stripe/stripe-client';
import type { Context, SQSEvent } from 'aws-lambda';
import { fixtureEvent } from '../test/support/fixtures.ts';

const silent = { debug() {}, info() {}, warn() {}, error() {} };
const types = ['payment_intent.processing', 'payment_intent.succeeded'] as const;

function messages(payments: number): WebhookEventMessage[] {
  const out: WebhookEventMessage[] = [];
  for (let p = 0; p < payments; p++) {
    types.forEach((type, step) => {
      const base = fixtureEvent(type);
      const object = (base.data as { object: Record<string, unknown> }).object;
      out.push({
        kind: 'stripe.webhook_event',
        clinicId: 'clinic_bench',
        mode: 'test',
        receivedAt: new Date().toISOString(),
        event: {
          ...base,
          id: `evt_bench_${p}_${step}`,
          created: 1785405600 + step,
          data: { object: { ...object, id: `pi_bench_${p}`, metadata: { booking_id: `bk_${p}` } } },
        } as unknown as WebhookEventMessage['event'],
      });
    });
  }
  return out;
}

function batches(items: WebhookEventMessage[], size: number): SQSEvent[] {
  const out: SQSEvent[] = [];
  for (let i = 0; i < items.length; i += size) {
    out.push({
      Records: items.slice(i, i + size).map((message, index) => ({
        messageId: `m-${i + index}`,
        receiptHandle: `r-${i + index}`,
        body: JSON.stringify(message),
        attributes: {
          ApproximateReceiveCount: '1',
          SentTimestamp: '0',
          SenderId: 'bench',
          ApproximateFirstReceiveTimestamp: '0',
        },
        messageAttributes: {},
        md5OfBody: '',
        eventSource: 'aws:sqs',
        eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:bench',
        awsRegion: 'us-east-1',
      })),
    });
  }
  return out;
}

/** Runs the payments worker over SQS-shaped batches against DynamoDB Local and counts its DynamoDB requests. */
export async function benchWorkerWrites(payments: number) {
  const local = await startDynamoDbLocal();
  const dynamo = new DynamoDBClient(localAwsConfig(local.endpoint));
  try {
    await createTable(dynamo, 'bench');
    const counter = countDynamoRequests(dynamo);
    // The worker as deployed (payment record and event ledger), with a Stripe client it never needs here.
    const worker = paymentsWorkerFrom({
      doc: createDocumentClient(dynamo),
      tableName: 'bench',
      secrets: { get: async () => undefined, put: async () => {}, delete: async () => {} },
      stripe: createStripeClient({ BASIS_STRIPE_API_URL: 'http://127.0.0.1:9' }),
      logger: silent,
    });
    const context = {} as Context;
    const all = messages(payments);
    // Events of one payment are never in the same batch here, so no conditional write loses a race.
    const run = async (items: WebhookEventMessage[]) => {
      counter.reset();
      for (const batch of batches(items, 10)) {
        const response = await worker(batch, context);
        if (response.batchItemFailures.length > 0) throw new Error('bench: a record failed');
      }
      return counter.counts();
    };
    const firstPass = [...all.filter((_, i) => i % 2 === 0), ...all.filter((_, i) => i % 2 === 1)];
    const applied = await run(firstPass);
    const duplicates = await run(firstPass);
    const per = (counts: Record<string, number>, name: string) => (counts[name] ?? 0) / all.length;
    return {
      events: all.length,
      appliedRecordWritesPerEvent: per(applied, 'PutItemCommand'),
      appliedLedgerWritesPerEvent: per(applied, 'UpdateItemCommand'),
      appliedReadsPerEvent: per(applied, 'GetItemCommand'),
      duplicateRecordWritesPerEvent: per(duplicates, 'PutItemCommand'),
      duplicateLedgerWritesPerEvent: per(duplicates, 'UpdateItemCommand'),
      duplicateReadsPerEvent: per(duplicates, 'GetItemCommand'),
      appliedCounts: applied,
      duplicateCounts: duplicates,
    };
  } finally {
    dynamo.destroy();
    await local.stop();
  }
}
