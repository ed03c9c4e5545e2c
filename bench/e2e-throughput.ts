import { ConditionalCheckFailedException, DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import {
  CreateQueueCommand,
  DeleteQueueCommand,
  GetQueueAttributesCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import {
  type BenchClinic,
  connectClinic,
  ledgerEntries,
  postSignedEvent,
  succeededEvent,
} from './support/clinic-client.ts';
import { cpuSince } from './support/process-cpu.ts';
import { type StackProcess, startStackProcess } from './support/stack-process.ts';
import { runBounded, waitUntil } from './support/stats.ts';
import { type Emulators, localAwsConfig } from './support/system.ts';

/** One size of the end-to-end run, and the bare emulator rates measured beside it. */
export interface ThroughputRow {
  events: number;
  concurrency: number;
  /** Signed events POSTed until the last one is applied, per second of wall time. */
  e2ePerSecond: number;
  /** Signed events accepted (200) per second, until the last POST was answered: ingest's side alone. */
  acceptedPerSecond: number;
  /** Bare `SendMessage` of a message of the same size, same concurrency, same fauxqs, per second. */
  sqsSendPerSecond: number;
  /** Bare conditional `PutItem` (attribute_not_exists) of a ~1 KB item, same concurrency, same DynamoDB Local, per second. */
  putItemPerSecond: number;
  /** e2e / the slower of the two bare rates: the figure (goal ≥ 0.5). */
  ratio: number;
  applied: number;
  lost: number;
  /** Write and read request units per event over the whole pipeline (DynamoDB's ConsumedCapacity). */
  wruPerEvent: number;
  rruPerEvent: number;
  /** Bytes of one event as POSTed. */
  eventBytes: number;
  /** Bytes SQS bills for one queue message: the body ingest sends and its two attributes (name, type, value). */
  messageBytes: number;
  /**
   * CPU ms per operation, by process (undefined where /proc cannot tell): per e2e event, the stack's process,
   * DynamoDB Local's and the bench's own (load generator, fauxqs, simulator); per bare PutItem, the caller's and
   * DynamoDB Local's; per bare SendMessage, the bench's (the caller and fauxqs share it). When both runs keep every
   * core busy, the ratio tends to (CPU per bare operation) / (CPU per e2e event); these move much less than the rates
   * with what else the machine runs (about ±10% from run to run).
   */
  cpuMs: {
    e2e: { stack: number | undefined; dynamo: number | undefined; generator: number };
    putItem: { caller: number; dynamo: number | undefined };
    sqsSend: number;
  };
}

async function queueEmpty(sqs: SQSClient, queueUrl: string): Promise<boolean> {
  const output = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: queueUrl,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
    }),
  );
  const attributes = output.Attributes ?? {};
  return (
    Number(attributes.ApproximateNumberOfMessages ?? 1) === 0 &&
    Number(attributes.ApproximateNumberOfMessagesNotVisible ?? 1) === 0
  );
}

async function bareSendRate(emulators: Emulators, count: number, concurrency: number, body: string) {
  const sqs = new SQSClient(localAwsConfig(emulators.sqsEndpoint));
  try {
    const queue = await sqs.send(
      new CreateQueueCommand({ QueueName: `bench-bare-${Math.random().toString(36).slice(2, 10)}` }),
    );
    const queueUrl = queue.QueueUrl ?? '';
    const cpu = cpuSince({});
    const ms = await runBounded(count, concurrency, async () => {
      await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: body }));
    });
    const cpuMs = cpu(count).self;
    await sqs.send(new DeleteQueueCommand({ QueueUrl: queueUrl }));
    return { perSecond: (count * 1000) / ms, cpuMs };
  } finally {
    sqs.destroy();
  }
}

/** The bench's own clients, in its own process: the bare rates' callers and the e2e run's observers. */
interface BenchClients {
  dynamo: DynamoDBClient;
  sqs: SQSClient;
}

async function barePutRate(
  clients: BenchClients,
  stack: StackProcess,
  dynamoPid: number | undefined,
  count: number,
  concurrency: number,
) {
  const payload = 'x'.repeat(900);
  const run = Math.random().toString(36).slice(2, 10);
  const cpu = cpuSince({ dynamo: dynamoPid });
  const ms = await runBounded(count, concurrency, async (i) => {
    try {
      await clients.dynamo.send(
        new PutItemCommand({
          TableName: stack.tableName,
          Item: { pk: { S: `BENCH#${run}` }, sk: { S: `ITEM#${i}` }, payload: { S: payload } },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    } catch (error) {
      // Every key is new: a lost condition would mean the loop measured something else.
      if (error instanceof ConditionalCheckFailedException) throw new Error('bench: bare PutItem key reused');
      throw error;
    }
  });
  const used = cpu(count);
  return { perSecond: (count * 1000) / ms, cpuMs: { caller: used.self, dynamo: used.dynamo } };
}

async function endToEnd(
  clients: BenchClients,
  stack: StackProcess,
  dynamoPid: number | undefined,
  clinic: BenchClinic,
  count: number,
  concurrency: number,
) {
  const now = Math.floor(Date.now() / 1000);
  const bodies = Array.from({ length: count }, (_, i) =>
    succeededEvent(clinic.clinicId, {
      paymentId: `pi_e2e${i}`,
      eventId: `evt_e2e${i}`,
      paymentCreated: now - 60,
      eventCreated: now - 30,
      clientId: `cl_${i % 50}`,
    }),
  );
  await stack.meterStart();
  const queueUrl = stack.queues.payments.url;
  const cpu = cpuSince({ stack: stack.pid, dynamo: dynamoPid });
  const started = performance.now();
  await runBounded(count, concurrency, (i) => postSignedEvent(clinic, bodies[i] ?? ''));
  const acceptedMs = performance.now() - started;
  await waitUntil(
    () => queueEmpty(clients.sqs, queueUrl),
    Math.max(60_000, count * 40),
    'payments queue drained',
  );
  const ms = performance.now() - started;
  const used = cpu(count);
  const capacity = await stack.meterTotals();
  const entries = await ledgerEntries(
    clinic,
    Array.from({ length: count }, (_, i) => `pi_e2e${i}`),
  );
  const applied = entries.filter((entry) => entry.outcome === 'applied').length;
  return {
    perSecond: (count * 1000) / ms,
    acceptedPerSecond: (count * 1000) / acceptedMs,
    applied,
    lost: count - entries.length,
    wruPerEvent: capacity.wru / count,
    rruPerEvent: capacity.rru / count,
    eventBytes: Buffer.byteLength(bodies[0] ?? ''),
    sampleBody: bodies[0] ?? '',
    cpuMs: { stack: used.stack, dynamo: used.dynamo, generator: used.self },
  };
}

/**
 * Local end-to-end webhooks per second (signed POST → ingest → SQS → payments worker → DynamoDB, until the queue is
 * empty and every event is in the ledger), beside the bare SendMessage and conditional PutItem rates of the same
 * emulators at the same concurrency. Each size uses a clinic of its own, so the ledger count is exact.
 */
export async function benchE2eThroughput(
  emulators: Emulators,
  sizes: readonly number[],
  concurrency: number,
  warmup: number,
): Promise<ThroughputRow[]> {
  const stack = await startStackProcess(emulators);
  const clients: BenchClients = {
    dynamo: new DynamoDBClient(localAwsConfig(emulators.dynamoEndpoint)),
    sqs: new SQSClient(localAwsConfig(emulators.sqsEndpoint)),
  };
  try {
    if (warmup > 0) {
      // JIT, connection pools and the emulators' own warm-up, on a clinic of its own; nothing is recorded.
      const clinic = await connectClinic(stack.apiUrl, 'clinic_e2e_warmup');
      await bareSendRate(emulators, warmup, concurrency, 'warm-up');
      await barePutRate(clients, stack, emulators.dynamoPid, warmup, concurrency);
      await endToEnd(clients, stack, emulators.dynamoPid, clinic, warmup, concurrency);
    }
    const rows: ThroughputRow[] = [];
    for (const [index, count] of sizes.entries()) {
      const clinic = await connectClinic(stack.apiUrl, `clinic_e2e_${index}`);
      // The bare rates first, on the same emulators, so all three see the same machine state.
      const probe = succeededEvent(clinic.clinicId, {
        paymentId: 'pi_probe',
        eventId: 'evt_probe',
        paymentCreated: 0,
        eventCreated: 0,
        clientId: 'cl_probe',
      });
      const messageBody = JSON.stringify({
        kind: 'stripe.webhook_event',
        clinicId: clinic.clinicId,
        mode: 'test',
        receivedAt: new Date().toISOString(),
        event: JSON.parse(probe),
      });
      const sqsSend = await bareSendRate(emulators, count, concurrency, messageBody);
      const putItem = await barePutRate(clients, stack, emulators.dynamoPid, count, concurrency);
      const e2e = await endToEnd(clients, stack, emulators.dynamoPid, clinic, count, concurrency);
      const sqsSendPerSecond = sqsSend.perSecond;
      const putItemPerSecond = putItem.perSecond;
      rows.push({
        events: count,
        concurrency,
        e2ePerSecond: e2e.perSecond,
        acceptedPerSecond: e2e.acceptedPerSecond,
        sqsSendPerSecond,
        putItemPerSecond,
        ratio: e2e.perSecond / Math.min(sqsSendPerSecond, putItemPerSecond),
        applied: e2e.applied,
        lost: e2e.lost,
        wruPerEvent: e2e.wruPerEvent,
        rruPerEvent: e2e.rruPerEvent,
        eventBytes: e2e.eventBytes,
        messageBytes:
          Buffer.byteLength(messageBody) +
          ['kind', 'String', 'payment_intent.succeeded', 'clinicId', 'String', clinic.clinicId].join('')
            .length,
        cpuMs: { e2e: e2e.cpuMs, putItem: putItem.cpuMs, sqsSend: sqsSend.cpuMs },
      });
    }
    return rows;
  } finally {
    clients.dynamo.destroy();
    clients.sqs.destroy();
    await stack.stop();
  }
}
