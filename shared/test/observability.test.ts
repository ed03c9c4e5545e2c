import type { Context, SQSEvent } from 'aws-lambda';
import Stripe from 'stripe';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { lambdaContext } from '../../local/src/lambda-context.ts';
import { emfMetrics } from '../../test/support/emf.ts';
import { capturingObservability } from '../../test/support/observability.ts';
import {
  callStripe,
  createObservability,
  type HttpEvent,
  jwtHttpFunction,
  type Metrics,
  queueWorker,
  StripeKeyRejectedError,
  scheduledFunction,
  ValidationError,
  type WebhookEventMessage,
  withStripeCallMetrics,
} from '../src/index.ts';

/** EMF documents written while `run` ran: Powertools writes them with console.log in dev mode. */
async function emfDuring(run: () => Promise<unknown>): Promise<Array<Record<string, unknown>>> {
  const written: string[] = [];
  const spy = vi.spyOn(console, 'log').mockImplementation((line: unknown) => void written.push(String(line)));
  try {
    await run();
  } finally {
    spy.mockRestore();
  }
  return written
    .map((line) => JSON.parse(line) as Record<string, unknown>)
    .filter((document) => '_aws' in document);
}

/** The metric names and dimension values of an EMF document. */
function metricsOf(document: Record<string, unknown>) {
  const aws = document._aws as {
    CloudWatchMetrics: Array<{ Namespace: string; Metrics: Array<{ Name: string }> }>;
  };
  return aws.CloudWatchMetrics.flatMap((directive) =>
    directive.Metrics.map((metric) => ({
      namespace: directive.Namespace,
      name: metric.Name,
      value: document[metric.Name],
    })),
  );
}

function apiEvent(routeKey: string, claims: Record<string, string>): HttpEvent {
  return {
    version: '2.0',
    routeKey,
    rawPath: '/v1/clinics/clinic_1/things',
    rawQueryString: '',
    headers: {},
    pathParameters: { clinicId: 'clinic_1' },
    isBase64Encoded: false,
    requestContext: { requestId: 'apigw-request-1', authorizer: { jwt: { claims, scopes: null } } },
  } as unknown as HttpEvent;
}

const staff = { sub: 'user_1', clinic_id: 'clinic_1', role: 'staff' };

describe('observability of the route kit and the worker kit', () => {
  beforeEach(() => {
    // Metrics are off in the test run (they would flood the output); these tests read them, through the console.
    vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'false');
    vi.stubEnv('POWERTOOLS_DEV', 'true');
    vi.stubEnv('POWERTOOLS_METRICS_NAMESPACE', 'Basis/test');
  });
  afterEach(() => vi.unstubAllEnvs());

  it('puts the Lambda request id and our x-request-id on the log lines of an API call, and the id on the answer', async () => {
    const lines: string[] = [];
    const observability = capturingObservability(lines)('paymentsApi');
    const handler = jwtHttpFunction({
      observability,
      cors: { allowedOrigins: [] },
      deps: {},
      routes: {
        // GET reads with this route: the event carries the API's routeKey, which the topology knows.
        'GET /v1/clinics/{clinicId}/payments': async () => {
          throw new ValidationError('limit', 'Invalid limit.');
        },
      },
    });
    const context = lambdaContext('paymentsApi');
    const answer = await handler(apiEvent('GET /v1/clinics/{clinicId}/payments', staff), context);

    expect(answer.statusCode).toBe(400);
    expect(answer.headers?.['x-request-id']).toBe('apigw-request-1');
    expect(JSON.parse(answer.body ?? '{}').error).toMatchObject({
      code: 'validation_failed',
      requestId: 'apigw-request-1',
    });
    const logged = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(logged.length).toBeGreaterThan(0);
    for (const line of logged) {
      expect(line).toMatchObject({
        x_request_id: 'apigw-request-1',
        function_request_id: context.awsRequestId,
      });
    }
  });

  it('counts an API answer of 500 as ApiServerError by route, in EMF, with the stage namespace', async () => {
    const handler = jwtHttpFunction({
      observability: createObservability('paymentsApi', { logLevel: 'SILENT' }),
      cors: { allowedOrigins: [] },
      deps: {},
      routes: {
        'GET /v1/clinics/{clinicId}/payments': async () => {
          throw new Error('a bug');
        },
      },
    });
    let status = 0;
    const documents = await emfDuring(async () => {
      status = (
        await handler(apiEvent('GET /v1/clinics/{clinicId}/payments', staff), lambdaContext('paymentsApi'))
      ).statusCode;
    });
    expect(status).toBe(500);
    const counted = documents.flatMap((document) =>
      metricsOf(document).map((metric) => ({ ...metric, route: document.route })),
    );
    expect(counted).toContainEqual({
      namespace: 'Basis/test',
      name: 'ApiServerError',
      value: 1,
      route: 'GET /v1/clinics/{clinicId}/payments',
    });
  });

  it('writes each dimensioned count as its own EMF document, with only its own dimensions and metadata', async () => {
    // The port reuses one single-metric instance: nothing of one count may leak into the next.
    const { metrics } = createObservability('webhook-ingest');
    const documents = await emfDuring(async () => {
      metrics.count('WebhookAccepted', { mode: 'test' }, { clinicId: 'clinic_a' });
      metrics.count('WebhookRefused', { reason: 'bad_signature' }, { eventId: 'evt_1' });
      metrics.count('WebhookAccepted', { mode: 'live' });
    });
    expect(documents).toHaveLength(3);
    const [first, second, third] = documents;
    expect(first).toMatchObject({ WebhookAccepted: 1, mode: 'test', clinicId: 'clinic_a' });
    expect(second).toMatchObject({ WebhookRefused: 1, reason: 'bad_signature', eventId: 'evt_1' });
    expect(second).not.toHaveProperty('mode');
    expect(second).not.toHaveProperty('clinicId');
    expect(third).toMatchObject({ WebhookAccepted: 1, mode: 'live' });
    expect(third).not.toHaveProperty('reason');
    expect(third).not.toHaveProperty('eventId');
  });

  it('counts a failed worker record as WorkerOutcome failed for its queue, and reports it alone for retry', async () => {
    const worker = failingWorker(async () => {
      throw new Error('DynamoDB is down');
    });
    let failures: unknown;
    const documents = await emfDuring(async () => {
      failures = (await worker(sqsEventOf(webhookMessage()), lambdaContext('paymentsWorker') as Context))
        .batchItemFailures;
    });
    expect(failures).toEqual([{ itemIdentifier: 'm1' }]);
    const counted = documents.flatMap((document) =>
      metricsOf(document).map((metric) => ({ ...metric, queue: document.queue, outcome: document.outcome })),
    );
    expect(counted).toContainEqual({
      namespace: 'Basis/test',
      name: 'WorkerOutcome',
      value: 1,
      queue: 'payments',
      outcome: 'failed',
    });
  });

  it('counts every failed Stripe call as StripeCallFailed by kind, also those a route handles itself', async () => {
    const handler = jwtHttpFunction({
      observability: createObservability('paymentsApi', { logLevel: 'SILENT' }),
      cors: { allowedOrigins: [] },
      deps: {},
      routes: {
        'GET /v1/clinics/{clinicId}/payments': async () => {
          // A use case that handles a failure (a refund left pending, a stale reference dropped) answers normally:
          // operations must see the failure all the same.
          for (const sdkError of stripeSdkErrors.slice(1)) {
            await callStripe(() => Promise.reject(sdkError.error)).catch(() => undefined);
          }
          // The first one is not handled: the route answers 409 stripe_key_rejected, and it is counted once.
          return callStripe(() => Promise.reject(stripeSdkErrors[0]?.error));
        },
      },
    });
    let status = 0;
    const documents = await emfDuring(async () => {
      status = (
        await handler(apiEvent('GET /v1/clinics/{clinicId}/payments', staff), lambdaContext('paymentsApi'))
      ).statusCode;
    });
    expect(status).toBe(409);
    const counted = emfMetrics(documents).filter((metric) => metric.name === 'StripeCallFailed');
    // In call order: the four handled failures, then the one the route let through.
    expect(counted).toEqual(
      [...stripeSdkErrors.slice(1), stripeSdkErrors[0]].map(({ kind }) => ({
        namespace: 'Basis/test',
        name: 'StripeCallFailed',
        value: 1,
        dimensions: { service: 'paymentsApi', kind },
      })),
    );
    expect(emfMetrics(documents).map((metric) => metric.name)).not.toContain('ApiServerError');
  });

  it('counts a Stripe failure in a worker record and in a scheduled function, each in its own function', async () => {
    const worker = failingWorker(() =>
      callStripe(() =>
        Promise.reject(new Stripe.errors.StripeConnectionError({ message: 'socket hang up' })),
      ),
    );
    const sweep = scheduledFunction(createObservability('eventSweeper', { logLevel: 'SILENT' }), async () =>
      callStripe(() =>
        Promise.reject(new Stripe.errors.StripePermissionError({ message: 'rak_event_read is missing' })),
      ).catch(() => 'skipped'),
    );
    const documents = await emfDuring(async () => {
      await worker(sqsEventOf(webhookMessage()), lambdaContext('paymentsWorker') as Context);
      await sweep({}, lambdaContext('eventSweeper'));
    });
    const counted = emfMetrics(documents).filter((metric) => metric.name === 'StripeCallFailed');
    expect(counted.map((metric) => metric.dimensions)).toEqual([
      { service: 'paymentsWorker', kind: 'unavailable' },
      { service: 'eventSweeper', kind: 'permission' },
    ]);
  });

  it('translates a Stripe failure outside any function kit without counting it anywhere', async () => {
    const count = vi.fn<Metrics['count']>();
    const outside = callStripe(() => Promise.reject(stripeSdkErrors[0]?.error));
    await expect(outside).rejects.toBeInstanceOf(StripeKeyRejectedError);
    // Inside a scope, the same failure is counted in the scope's metrics.
    await withStripeCallMetrics({ count }, () =>
      callStripe(() => Promise.reject(stripeSdkErrors[0]?.error)).catch(() => undefined),
    );
    expect(count.mock.calls).toEqual([['StripeCallFailed', { kind: 'key_rejected' }]]);
  });
});

/** One SDK error per failure kind, as the Stripe SDK throws them. */
const stripeSdkErrors = [
  {
    kind: 'key_rejected',
    error: new Stripe.errors.StripeAuthenticationError({ message: 'Invalid API Key provided: sk_test_****' }),
  },
  { kind: 'permission', error: new Stripe.errors.StripePermissionError({ message: 'rak_refund_write' }) },
  {
    kind: 'object_missing',
    error: new Stripe.errors.StripeInvalidRequestError({ message: 'No such customer', statusCode: 404 }),
  },
  {
    kind: 'rejected',
    error: new Stripe.errors.StripeInvalidRequestError({ message: 'Amount too large', statusCode: 400 }),
  },
  {
    kind: 'unavailable',
    error: new Stripe.errors.StripeAPIError({ message: 'Server error', statusCode: 500 }),
  },
] as const;

function webhookMessage(): WebhookEventMessage {
  return {
    kind: 'stripe.webhook_event',
    clinicId: 'clinic_1',
    mode: 'test',
    receivedAt: new Date().toISOString(),
    event: {
      id: 'evt_1',
      object: 'event',
      type: 'payment_intent.succeeded',
      created: 1_800_000_000,
      livemode: false,
      data: { object: { id: 'pi_1', object: 'payment_intent' } },
    },
  };
}

function sqsEventOf(body: unknown): SQSEvent {
  return {
    Records: [
      {
        messageId: 'm1',
        receiptHandle: 'r1',
        body: JSON.stringify(body),
        attributes: { ApproximateReceiveCount: '1' },
        messageAttributes: {},
        md5OfBody: '',
        eventSource: 'aws:sqs',
        eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:payments',
        awsRegion: 'us-east-1',
      },
    ],
  } as unknown as SQSEvent;
}

/** The payments queue's worker with an `applyEvent` of the test's choosing and a ledger that records nothing. */
function failingWorker(applyEvent: () => Promise<never>) {
  return queueWorker({
    queue: 'payments',
    observability: createObservability('paymentsWorker', { logLevel: 'SILENT' }),
    ledger: {
      record: async () => {},
      has: async () => ({ settled: false, receivedAt: null }),
      list: async () => ({ data: [], nextCursor: null }),
    },
    applyEvent,
  });
}
