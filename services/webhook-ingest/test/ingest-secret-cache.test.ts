import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import {
  type ClinicSecrets,
  cachedSecretStore,
  defaultSecretCacheTtlSeconds,
  type EventQueue,
  type HttpEvent,
  type SecretStore,
  tableSourceOf,
} from '@basis/shared';
import { describe, expect, it } from 'vitest';
import { lambdaContext } from '../../../local/src/lambda-context.ts';
import { fixtureEvent } from '../../../test/support/fixtures.ts';
import { silentObservability } from '../../../test/support/observability.ts';
import { stripeSignatureHeader } from '../../../test/support/stripe-signing.ts';
import { testModeSecrets } from '../../../test/support/test-stack.ts';
import { buildWebhookIngest, ingestSecretCacheTtlSeconds } from '../src/build.ts';

const clinicId = 'clinic_1';
const start = Date.parse('2026-11-26T00:00:00Z');
const body = JSON.stringify(fixtureEvent('payment_intent.succeeded'));

/** A clinic's secrets behind a store that counts reads, as Secrets Manager would bill them. */
function countingStore(secret: string) {
  let current: ClinicSecrets = { clinicId, test: testModeSecrets(secret) };
  const store = {
    reads: 0,
    reconnect(next: string) {
      current = { clinicId, test: testModeSecrets(next) };
    },
    inner: {
      get: async () => {
        store.reads += 1;
        return current;
      },
      put: async () => {},
      delete: async () => {},
    } satisfies SecretStore,
  };
  return store;
}

/** One ingest container with a clock the test moves, its secrets cached for `ttlSeconds`. */
function container(store: ReturnType<typeof countingStore>, ttlSeconds: number) {
  let clock = start;
  const cached = cachedSecretStore(store.inner, ttlSeconds, () => clock);
  const queue: EventQueue = { send: async () => {} };
  const handler = buildWebhookIngest({
    observability: silentObservability('webhookIngest'),
    now: () => new Date(clock),
    cors: { allowedOrigins: [] },
    secrets: { cached, uncached: store.inner },
    queue,
    table: tableSourceOf({
      doc: { send: async () => ({}) } as unknown as DynamoDBDocumentClient,
      tableName: 'table',
    }),
  });
  return {
    advance(seconds: number) {
      clock += seconds * 1000;
    },
    async post(signingSecret: string): Promise<number> {
      const event: HttpEvent = {
        version: '2.0',
        routeKey: 'POST /stripe_webhook_test/{clinicId}',
        rawPath: `/stripe_webhook_test/${clinicId}`,
        rawQueryString: '',
        headers: { 'stripe-signature': stripeSignatureHeader(body, signingSecret, Math.floor(clock / 1000)) },
        pathParameters: { clinicId },
        body,
        isBase64Encoded: false,
        requestContext: {} as HttpEvent['requestContext'],
      };
      return (await handler(event, lambdaContext('webhookIngest'))).statusCode;
    },
  };
}

describe("webhook ingest's secret cache", () => {
  it('costs a clinic with an event every ten minutes one Secrets Manager read in eleven hours, not one per event', async () => {
    const store = countingStore('whsec_first_made_up');
    const ingest = container(store, ingestSecretCacheTtlSeconds);
    for (let event = 0; event < 66; event++) {
      expect(await ingest.post('whsec_first_made_up')).toBe(200);
      ingest.advance(600);
    }
    expect(store.reads).toBe(1);

    // The same traffic with the TTL every other reader keeps (300 s) reads once per event.
    const short = countingStore('whsec_first_made_up');
    const other = container(short, defaultSecretCacheTtlSeconds);
    for (let event = 0; event < 6; event++) {
      expect(await other.post('whsec_first_made_up')).toBe(200);
      other.advance(600);
    }
    expect(short.reads).toBe(6);
  });

  it('picks up a re-connect with the first event the new secret signs, long before the TTL ends', async () => {
    const store = countingStore('whsec_first_made_up');
    const ingest = container(store, ingestSecretCacheTtlSeconds);
    expect(await ingest.post('whsec_first_made_up')).toBe(200);
    ingest.advance(3600);
    store.reconnect('whsec_second_made_up');
    // The cached secret fails this signature; the failure re-reads the secrets once and the event is accepted.
    expect(await ingest.post('whsec_second_made_up')).toBe(200);
    expect(store.reads).toBe(2);
    ingest.advance(60);
    expect(await ingest.post('whsec_second_made_up')).toBe(200);
    expect(await ingest.post('whsec_first_made_up')).toBe(400);
    // A forged or stale signature re-reads at most once per 5 s, and the cache keeps the secret it read.
    expect(store.reads).toBe(3);
    expect(await ingest.post('whsec_first_made_up')).toBe(400);
    expect(store.reads).toBe(3);
  });

  it('reads again once the TTL has passed', async () => {
    const store = countingStore('whsec_first_made_up');
    const ingest = container(store, ingestSecretCacheTtlSeconds);
    expect(await ingest.post('whsec_first_made_up')).toBe(200);
    ingest.advance(ingestSecretCacheTtlSeconds + 1);
    expect(await ingest.post('whsec_first_made_up')).toBe(200);
    expect(store.reads).toBe(2);
  });
});
