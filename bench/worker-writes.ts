import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  createDocumentClient,
  createObservability,
  createStripeClient,
  type SecretStore,
  type WebhookEventMessage,
} from '@basis/shared';
import type { SQSEvent } from 'aws-lambda';
import { startDynamoDbLocal } from '../local/src/dynamodb-local.ts';
import { lambdaContext } from '../local/src/lambda-context.ts';
import { localAwsConfig } from '../local/src/local-aws.ts';
import { createTable } from '../local/src/provision.ts';
import { countDynamoRequests } from '../local/src/request-counter.ts';
import { buildPaymentsWorker } from '../services/payments/src/build.ts';
import { fixtureEvent } from '../test/support/fixtures.ts';

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
    const noSecrets: SecretStore = {
      get: async () => undefined,
      put: async () => {},
      delete: async () => {},
    };
    const worker = buildPaymentsWorker({
      table: { doc: createDocumentClient(dynamo), tableName: 'bench' },
      secrets: { cached: noSecrets, uncached: noSecrets },
      stripe: createStripeClient('paymentsWorker', { BASIS_STRIPE_API_URL: 'http://127.0.0.1:9' }),
      observability: createObservability('paymentsWorker', { logLevel: 'SILENT' }),
      cors: { allowedOrigins: [] },
      now: () => new Date(),
    });
    const context = lambdaContext('paymentsWorker');
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
