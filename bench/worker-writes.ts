import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Context, SQSEvent } from 'aws-lambda';
import { meterConsumedCapacity } from './support/consumed-capacity.ts';
import {
  createTable,
  type Emulators,
  fixtureEvent,
  localAwsConfig,
  paymentsWorker,
  type WebhookEventMessage,
} from './support/system.ts';

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

/**
 * Runs the payments worker over SQS-shaped batches against DynamoDB Local and meters its DynamoDB requests and the
 * write/read request units DynamoDB reports (ConsumedCapacity, TOTAL: table and index), per applied and per duplicate
 * event.
 */
export async function benchWorkerWrites(emulators: Emulators, payments: number) {
  const dynamo = new DynamoDBClient(localAwsConfig(emulators.dynamoEndpoint));
  const tableName = `bench-writes-${Math.random().toString(36).slice(2, 10)}`;
  try {
    await createTable(dynamo, tableName);
    const meter = meterConsumedCapacity(dynamo);
    // The worker as deployed (payment record and event ledger), with a Stripe client it never needs here.
    const worker = paymentsWorker(dynamo, tableName);
    const context = {} as Context;
    const all = messages(payments);
    // Events of one payment are never in the same batch here, so no conditional write loses a race.
    const run = async (items: WebhookEventMessage[]) => {
      meter.reset();
      for (const batch of batches(items, 10)) {
        const response = await worker(batch, context);
        if (response.batchItemFailures.length > 0) throw new Error('bench: a record failed');
      }
      return meter.totals();
    };
    const firstPass = [...all.filter((_, i) => i % 2 === 0), ...all.filter((_, i) => i % 2 === 1)];
    const appliedTotals = await run(firstPass);
    const duplicateTotals = await run(firstPass);
    const applied = appliedTotals.requests;
    const duplicates = duplicateTotals.requests;
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
      /** Write request units per applied event (DynamoDB's ConsumedCapacity, table + index). */
      appliedWruPerEvent: appliedTotals.wru / all.length,
      /** Read request units per applied event. */
      appliedRruPerEvent: appliedTotals.rru / all.length,
      duplicateWruPerEvent: duplicateTotals.wru / all.length,
      duplicateRruPerEvent: duplicateTotals.rru / all.length,
      /** Requests that failed (a lost condition): DynamoDB reports no capacity for them, so they would be missed. */
      failedRequests: appliedTotals.failed + duplicateTotals.failed,
    };
  } finally {
    dynamo.destroy();
  }
}
