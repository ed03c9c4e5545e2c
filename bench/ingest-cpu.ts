import { createHmac, timingSafeEqual } from 'node:crypto';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { type ClinicSecrets, cachedSecretStore, type HttpEvent } from '@basis/shared';
import { lambdaContext } from '../local/src/lambda-context.ts';
import { buildWebhookIngest } from '../services/webhook-ingest/src/build.ts';
import { createObservability } from '../shared/src/index.ts';
import { fixtureEvent } from '../test/support/fixtures.ts';
import { stripeSignatureHeader } from '../test/support/stripe-signing.ts';

const secret = 'whsec_bench_made_up_secret';
const clinicId = 'clinic_bench';

/** A payment_intent.succeeded fixture padded with opaque metadata to about 3 KB. */
export function threeKilobyteEvent(): string {
  const event = fixtureEvent('payment_intent.succeeded');
  const object = (event.data as { object: Record<string, unknown> }).object;
  const metadata: Record<string, string> = {
    clinic_id: clinicId,
    booking_id: 'bk_bench',
    client_id: 'cl_bench',
  };
  let body = JSON.stringify(event);
  for (let i = 0; body.length < 3072; i++) {
    metadata[`ref_${i}`] = `opaque_${i.toString(36).padStart(24, '0')}`;
    object.metadata = metadata;
    body = JSON.stringify(event);
  }
  return body;
}

function cpuMicros(iterations: number, work: () => unknown): number {
  const start = process.cpuUsage();
  for (let i = 0; i < iterations; i++) work();
  const used = process.cpuUsage(start);
  return (used.user + used.system) / iterations;
}

async function cpuMicrosAsync(iterations: number, work: () => Promise<unknown>): Promise<number> {
  const start = process.cpuUsage();
  for (let i = 0; i < iterations; i++) await work();
  const used = process.cpuUsage(start);
  return (used.user + used.system) / iterations;
}

export async function benchIngestCpu(iterations: number) {
  const body = threeKilobyteEvent();
  const now = new Date();
  const header = stripeSignatureHeader(body, secret, Math.floor(now.getTime() / 1000));
  let sends = 0;
  const secrets: ClinicSecrets = {
    clinicId,
    test: {
      secretKey: 'sk_test_bench0000',
      publishableKey: 'pk_test_bench0000',
      accountId: null,
      webhookSecrets: [{ secret, expiresAt: null }],
      webhook: { managed: false, endpointId: null, url: null },
      connectedAt: now.toISOString(),
    },
  };
  const store = cachedSecretStore(
    { get: async () => secrets, put: async () => {}, delete: async () => {} },
    3600,
  );
  const ingest = buildWebhookIngest({
    observability: createObservability('webhookIngest', { logLevel: 'SILENT' }),
    cors: { allowedOrigins: [] },
    secrets: { cached: store, uncached: store },
    // The SQS send is counted, not timed: its cost is the network's, not ours.
    queue: { send: async () => void sends++ },
    now: () => now,
    // Ingest writes the table only to count refused signatures: a good event that wrote would fail the bench.
    table: {
      doc: {
        send: async () => {
          throw new Error('ingest wrote the table for a good event');
        },
      } as unknown as DynamoDBDocumentClient,
      tableName: 'unused',
    },
  });
  const context = lambdaContext('webhookIngest');
  const route = (event: HttpEvent) => ingest(event, context);
  const event: HttpEvent = {
    version: '2.0',
    routeKey: 'POST /stripe_webhook_test/{clinicId}',
    rawPath: `/stripe_webhook_test/${clinicId}`,
    rawQueryString: '',
    headers: { 'stripe-signature': header, 'content-type': 'application/json' },
    pathParameters: { clinicId },
    body,
    isBase64Encoded: false,
    requestContext: {} as HttpEvent['requestContext'],
  };

  const hmacAndParse = () => {
    const raw = Buffer.from(body, 'utf8');
    const signature = Buffer.from(header.slice(header.indexOf('v1=') + 3), 'hex');
    const expected = createHmac('sha256', secret)
      .update(`${header.slice(2, header.indexOf(','))}.`)
      .update(raw)
      .digest();
    if (!timingSafeEqual(signature, expected)) throw new Error('bench: signature mismatch');
    return JSON.parse(raw.toString('utf8'));
  };

  // Warm both paths (JIT, secret cache), then measure them side by side, alternating, in one run.
  for (let i = 0; i < 2000; i++) {
    hmacAndParse();
    await route(event);
  }
  const rounds = 5;
  const handlerTimes: number[] = [];
  const bareTimes: number[] = [];
  for (let round = 0; round < rounds; round++) {
    bareTimes.push(cpuMicros(iterations, hmacAndParse));
    handlerTimes.push(await cpuMicrosAsync(iterations, () => route(event)));
  }
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
  const handler = median(handlerTimes);
  const bare = median(bareTimes);
  const expectedSends = 2000 + rounds * iterations;
  if (sends !== expectedSends) throw new Error(`bench: expected ${expectedSends} sends, counted ${sends}`);
  return {
    payloadBytes: Buffer.byteLength(body),
    iterations,
    rounds,
    handlerMicros: handler,
    bareMicros: bare,
    ratio: handler / bare,
    sends,
  };
}
