import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import {
  type ClinicSecrets,
  type EventQueue,
  type HttpEvent,
  type SecretStore,
  tableSourceOf,
  type WebhookEventMessage,
} from '@basis/shared';
import { beforeEach, describe, expect, it } from 'vitest';
import { lambdaContext } from '../../../local/src/lambda-context.ts';
import { fixtureEvent } from '../../../test/support/fixtures.ts';
import { silentObservability } from '../../../test/support/observability.ts';
import { stripeSignatureHeader } from '../../../test/support/stripe-signing.ts';
import { testModeSecrets } from '../../../test/support/test-stack.ts';
import { buildWebhookIngest } from '../src/build.ts';

const clinicId = 'clinic_1';
const secret = 'whsec_current_made_up';
const now = new Date('2026-11-26T12:00:00Z');
const nowSeconds = Math.floor(now.getTime() / 1000);

function memorySecrets(initial: ClinicSecrets[]): SecretStore {
  const byId = new Map(initial.map((entry) => [entry.clinicId, entry]));
  return {
    get: async (id) => byId.get(id),
    put: async (entry) => void byId.set(entry.clinicId, entry),
    delete: async (id) => void byId.delete(id),
  };
}

let sent: WebhookEventMessage[];
/** Every table command ingest sends: only counter updates for refused signatures are expected. */
let tableCommands: Array<{ name: string; input: Record<string, unknown> }>;
const doc = {
  send: async (command: { constructor: { name: string }; input: Record<string, unknown> }) => {
    tableCommands.push({ name: command.constructor.name, input: command.input });
    return {};
  },
} as unknown as DynamoDBDocumentClient;
let queueFails: boolean;
let secrets: SecretStore;
const queue: EventQueue = {
  send: async (_queue, message) => {
    if (queueFails) throw new Error('SQS is down');
    if (message.kind !== 'stripe.webhook_event') throw new Error(`ingest sent a ${message.kind}`);
    sent.push(message);
  },
};

function route() {
  return buildWebhookIngest({
    observability: silentObservability('webhookIngest'),
    now: () => now,
    cors: { allowedOrigins: [] },
    secrets: { cached: secrets, uncached: secrets },
    queue,
    table: tableSourceOf({ doc, tableName: 'table' }),
  });
}

function webhookEvent(
  body: string,
  options: { mode?: 'test' | 'live'; header?: string | null; base64?: boolean; clinic?: string } = {},
): HttpEvent {
  const mode = options.mode ?? 'test';
  const path = mode === 'test' ? '/stripe_webhook_test/{clinicId}' : '/stripe_webhook/{clinicId}';
  const header =
    options.header === undefined ? stripeSignatureHeader(body, secret, nowSeconds) : options.header;
  return {
    version: '2.0',
    routeKey: `POST ${path}`,
    rawPath: path.replace('{clinicId}', options.clinic ?? clinicId),
    rawQueryString: '',
    headers: header === null ? {} : { 'stripe-signature': header },
    pathParameters: { clinicId: options.clinic ?? clinicId },
    body: options.base64 ? Buffer.from(body).toString('base64') : body,
    isBase64Encoded: options.base64 ?? false,
    requestContext: {} as HttpEvent['requestContext'],
  };
}

async function post(event: HttpEvent) {
  const result = await route()(event, lambdaContext('webhookIngest'));
  return { status: result.statusCode, body: JSON.parse(result.body ?? '{}') };
}

const succeeded = JSON.stringify(fixtureEvent('payment_intent.succeeded'));

beforeEach(() => {
  sent = [];
  tableCommands = [];
  queueFails = false;
  secrets = memorySecrets([{ clinicId, test: testModeSecrets(secret) }]);
});

describe('webhook ingest', () => {
  it('verifies, routes to the payments queue and answers 200', async () => {
    expect(await post(webhookEvent(succeeded))).toEqual({ status: 200, body: { received: true } });
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({
      kind: 'stripe.webhook_event',
      clinicId,
      mode: 'test',
      receivedAt: now.toISOString(),
    });
    expect(sent[0]?.event.id).toBe(JSON.parse(succeeded).id);
  });

  it('reads a base64-encoded body as the raw bytes that were signed', async () => {
    expect((await post(webhookEvent(succeeded, { base64: true }))).status).toBe(200);
    expect(sent).toHaveLength(1);
  });

  it('acknowledges an event type the system does not handle, and enqueues nothing', async () => {
    const body = JSON.stringify({ ...JSON.parse(succeeded), type: 'customer.created' });
    expect(await post(webhookEvent(body))).toEqual({ status: 200, body: { received: true } });
    expect(sent).toHaveLength(0);
  });

  it('acknowledges an ignored type whatever its object (a Balance has no id), and still checks routed ones', async () => {
    const event = JSON.parse(succeeded);
    const balance = JSON.stringify({
      ...event,
      type: 'balance.available',
      data: { object: { object: 'balance', available: [], pending: [], livemode: false } },
    });
    expect(await post(webhookEvent(balance))).toEqual({ status: 200, body: { received: true } });
    const noId = JSON.stringify({ ...event, data: { object: { object: 'payment_intent' } } });
    expect((await post(webhookEvent(noId))).body.error.code).toBe('malformed_event');
    const notAnObject = JSON.stringify({ ...event, type: 'balance.available', data: { object: 'x' } });
    expect((await post(webhookEvent(notAnObject))).status).toBe(400);
    expect(sent).toHaveLength(0);
  });

  it('accepts the previous secret during a roll and refuses it once expired', async () => {
    const rolled = testModeSecrets('whsec_new_made_up');
    rolled.webhookSecrets.push({ secret, expiresAt: new Date(now.getTime() + 60_000).toISOString() });
    secrets = memorySecrets([{ clinicId, test: rolled }]);
    expect((await post(webhookEvent(succeeded))).status).toBe(200);

    rolled.webhookSecrets[1] = { secret, expiresAt: new Date(now.getTime() - 1).toISOString() };
    expect((await post(webhookEvent(succeeded))).body.error.code).toBe('invalid_signature');
  });

  const rejections: Array<[string, () => HttpEvent, number, string]> = [
    ['a missing signature', () => webhookEvent(succeeded, { header: null }), 400, 'invalid_signature'],
    [
      'a signature from another secret',
      () => webhookEvent(succeeded, { header: stripeSignatureHeader(succeeded, 'whsec_other', nowSeconds) }),
      400,
      'invalid_signature',
    ],
    [
      'a signature older than 300 s',
      () => webhookEvent(succeeded, { header: stripeSignatureHeader(succeeded, secret, nowSeconds - 301) }),
      400,
      'timestamp_outside_tolerance',
    ],
    ['a body that is not JSON', () => webhookEvent('{"id": evt_'), 400, 'malformed_event'],
    [
      'JSON that is not an event',
      () => webhookEvent(JSON.stringify({ hello: 'world' })),
      400,
      'malformed_event',
    ],
    [
      'a live event on the test endpoint',
      () => webhookEvent(JSON.stringify({ ...JSON.parse(succeeded), livemode: true })),
      400,
      'livemode_mismatch',
    ],
    [
      'an unknown clinic',
      () => webhookEvent(succeeded, { clinic: 'clinic_unknown' }),
      404,
      'clinic_not_connected',
    ],
    [
      'a clinic id that is not one',
      () => webhookEvent(succeeded, { clinic: '../clinic_1' }),
      404,
      'clinic_not_connected',
    ],
    [
      'a mode the clinic has not connected',
      () => webhookEvent(succeeded, { mode: 'live' }),
      404,
      'clinic_not_connected',
    ],
    [
      'a body over 256 KiB',
      () => webhookEvent(JSON.stringify({ ...JSON.parse(succeeded), padding: 'x'.repeat(256 * 1024) })),
      413,
      'payload_too_large',
    ],
  ];

  it.each(rejections)(
    'rejects %s with a clear error and enqueues nothing',
    async (_name, build, status, code) => {
      const response = await post(build());
      expect(response.status).toBe(status);
      expect(response.body.error.code).toBe(code);
      expect(response.body.error.message).toEqual(expect.any(String));
      expect(sent).toHaveLength(0);
    },
  );

  it('writes nothing to the table for good, ignored or malformed deliveries', async () => {
    await post(webhookEvent(succeeded));
    await post(webhookEvent(JSON.stringify({ ...JSON.parse(succeeded), type: 'customer.created' })));
    await post(webhookEvent('{"id": evt_'));
    await post(webhookEvent(succeeded, { clinic: 'clinic_unknown' }));
    expect(tableCommands).toEqual([]);
  });

  it('counts a delivery refused for its signature with one counter update for the clinic and mode', async () => {
    const forged = stripeSignatureHeader(succeeded, 'whsec_other', nowSeconds);
    expect((await post(webhookEvent(succeeded, { header: forged }))).status).toBe(400);
    expect(tableCommands).toHaveLength(1);
    expect(tableCommands[0]).toMatchObject({
      name: 'UpdateCommand',
      input: {
        Key: { pk: `HEALTH#${clinicId}#test`, sk: 'signature_failures#2026-11-26T12' },
        ExpressionAttributeValues: expect.objectContaining({ ':count': 1 }),
      },
    });
  });

  it('answers 503 when the event cannot be enqueued, so that Stripe retries', async () => {
    queueFails = true;
    const response = await post(webhookEvent(succeeded));
    expect(response.status).toBe(503);
    expect(response.body.error.code).toBe('enqueue_failed');
  });

  it('answers 503 when the secret store fails, so that Stripe retries', async () => {
    secrets = { ...secrets, get: async () => Promise.reject(new Error('Secrets Manager throttled')) };
    expect((await post(webhookEvent(succeeded))).status).toBe(503);
    expect(sent).toHaveLength(0);
  });
});
