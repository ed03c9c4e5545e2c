/**
 * The bench's only door into the system's own code (local/, services/, shared/, test/support).
 *
 * Everything else under bench/ talks to the system through what this module hands out, HTTP, the AWS SDK and the
 * Stripe simulator. When the modules behind these imports move, re-point them here and nowhere else.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import {
  type ClinicSecrets,
  cachedSecretStore,
  createDocumentClient,
  createObservability,
  createStripeClient,
  envNames,
  type FunctionDefinition,
  functions,
  type HttpEvent,
  queueForEventType,
  queueNames,
  queues,
  queueUrlEnvName,
  type SecretStore,
  tableSourceOf,
} from '@basis/shared';
import { Tracing } from 'aws-cdk-lib/aws-lambda';
import { httpApiAccessLogFormat } from '../../infra/lib/api/access-log-format.ts';
import { defaultLogLevel } from '../../infra/lib/config/basis-context.ts';
import { platformLogLevel, tracingOf } from '../../infra/lib/functions/basis-function.ts';
import { signDevToken } from '../../local/src/dev-jwt.ts';
import { startDynamoDbLocal } from '../../local/src/dynamodb-local.ts';
import { lambdaContext } from '../../local/src/lambda-context.ts';
import { localAwsConfig } from '../../local/src/local-aws.ts';
import { type LocalStack, type LocalStackOptions, startLocalStack } from '../../local/src/local-stack.ts';
import { createTable } from '../../local/src/provision.ts';
import { startSqsLocal } from '../../local/src/sqs-local.ts';
import { buildMembershipsWorker } from '../../services/memberships/src/build.ts';
import { buildPaymentsWorker } from '../../services/payments/src/build.ts';
import { paymentIntentProperties } from '../../services/payments/test/payment-intent-properties.ts';
import { payoutProperties } from '../../services/payouts/test/payout-properties.ts';
import { refundProperties } from '../../services/refunds/test/refund-properties.ts';
import { buildWebhookIngest } from '../../services/webhook-ingest/src/build.ts';
import { startStripeSimulator } from '../../stripe-sim/src/index.ts';
import { fixtureBytes, fixtureEvent } from '../../test/support/fixtures.ts';
import { stripeSignatureHeader } from '../../test/support/stripe-signing.ts';

export type { HttpEvent, WebhookEventMessage } from '@basis/shared';
export type { LocalStack } from '../../local/src/local-stack.ts';
export type { OrderProperty } from '../../services/payments/test/payment-intent-properties.ts';
export { createTable, fixtureBytes, fixtureEvent, localAwsConfig, signDevToken, stripeSignatureHeader };

/** Whether the system routes events of this type to a worker (any other type is acknowledged and ignored). */
export const handledEventType = (type: string): boolean => queueForEventType(type) !== undefined;

/** Each worker's order/repetition-independence properties, shared with its unit tests (runs as a parameter). */
export const workerOrderProperties = {
  paymentsWorker: paymentIntentProperties,
  refundsWorker: refundProperties,
  payoutsWorker: payoutProperties,
} as const;

/** Real Powertools observability; silent unless the bench wants the log lines Lambda would write. */
const silent = (service: string) => createObservability(service, { logLevel: 'SILENT' });

/** The three emulators a run shares, started once as test/global-setup.ts starts them. */
export interface Emulators {
  dynamoEndpoint: string;
  /** DynamoDB Local's process (a JVM of its own); fauxqs and the simulator run in this process. */
  dynamoPid?: number | undefined;
  sqsEndpoint: string;
  stripeApiUrl: string;
  stop(): Promise<void>;
}

export async function startEmulators(): Promise<Emulators> {
  const [dynamo, sqs, stripe] = await Promise.all([
    startDynamoDbLocal(),
    startSqsLocal(),
    startStripeSimulator({ port: 0 }),
  ]);
  return {
    dynamoEndpoint: dynamo.endpoint,
    dynamoPid: dynamo.pid,
    sqsEndpoint: sqs.endpoint,
    stripeApiUrl: stripe.url,
    stop: async () => {
      await Promise.all([dynamo.stop(), sqs.stop(), stripe.close()]);
    },
  };
}

/** The functions' log level when a stage sets none (`basis:logLevel`): what the cost model's log bytes are measured at. */
export const deployedLogLevel = defaultLogLevel;

/**
 * The whole system (API, queues, workers) on the shared emulators, with a table and queues of its own. Logs are
 * silent unless `realLogs` is set: then every function logs as in Lambda (Powertools JSON lines on stdout) at the
 * level infra deploys by default (`deployedLogLevel`).
 */
export async function startBenchStack(
  emulators: Emulators,
  options: { realLogs?: boolean } & Pick<
    LocalStackOptions,
    'wrapWorker' | 'queueOverrides' | 'sweepSettleSeconds'
  > = {},
): Promise<LocalStack> {
  const dataDir = mkdtempSync(join(tmpdir(), 'basis-bench-'));
  const stack = await startLocalStack({
    dynamoEndpoint: emulators.dynamoEndpoint,
    sqsEndpoint: emulators.sqsEndpoint,
    stripeApiUrl: emulators.stripeApiUrl,
    dataDir,
    port: 0,
    namePrefix: `b${Math.random().toString(36).slice(2, 10)}-`,
    observability: options.realLogs
      ? (service) => createObservability(service, { logLevel: deployedLogLevel })
      : silent,
    ...(options.wrapWorker ? { wrapWorker: options.wrapWorker } : {}),
    ...(options.queueOverrides ? { queueOverrides: options.queueOverrides } : {}),
    ...(options.sweepSettleSeconds === undefined ? {} : { sweepSettleSeconds: options.sweepSettleSeconds }),
  });
  return {
    ...stack,
    // The file secret store lives in a temporary folder: leave nothing behind.
    stop: async () => {
      await stack.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** The webhook route as the ingest Lambda builds it, with in-memory secrets and a queue port of the caller's. */
export function ingestRoute(options: {
  clinicId: string;
  webhookSecret: string;
  now: Date;
  send: () => Promise<void>;
}) {
  const secrets: ClinicSecrets = {
    clinicId: options.clinicId,
    test: {
      secretKey: 'sk_test_bench0000',
      publishableKey: 'pk_test_bench0000',
      accountId: null,
      webhookSecrets: [{ secret: options.webhookSecret, expiresAt: null }],
      webhook: { managed: false, endpointId: null, url: null },
      connectedAt: options.now.toISOString(),
    },
  };
  const store = cachedSecretStore(
    { get: async () => secrets, put: async () => {}, delete: async () => {} },
    3600,
  );
  const ingest = buildWebhookIngest({
    observability: silent('webhookIngest'),
    cors: { allowedOrigins: [] },
    secrets: { cached: store, uncached: store },
    queue: { send: options.send },
    now: () => options.now,
    // Ingest writes the table only to count refused signatures: a good event that wrote would fail the bench.
    table: tableSourceOf({
      doc: {
        send: async () => {
          throw new Error('ingest wrote the table for a good event');
        },
      } as unknown as DynamoDBDocumentClient,
      tableName: 'unused',
    }),
  });
  const context = lambdaContext('webhookIngest');
  return (event: HttpEvent) => ingest(event, context);
}

/** The payments worker as wired for Lambda, on a DynamoDB client of the caller's, with a Stripe it never needs. */
export function paymentsWorker(dynamo: DynamoDBClient, tableName: string) {
  const noSecrets: SecretStore = { get: async () => undefined, put: async () => {}, delete: async () => {} };
  return buildPaymentsWorker({
    table: { doc: createDocumentClient(dynamo), tableName },
    secrets: { cached: noSecrets, uncached: noSecrets },
    stripe: createStripeClient('paymentsWorker', { [envNames.stripeApiUrl]: 'http://127.0.0.1:9' }),
    observability: silent('paymentsWorker'),
    cors: { allowedOrigins: [] },
    now: () => new Date(),
  });
}

/** Whether the system routes events of this type to the memberships worker. */
export const membershipsEventType = (type: string): boolean => queueForEventType(type) === 'memberships';

/**
 * The memberships worker as wired for Lambda, on a DynamoDB client of the caller's, reading Stripe (invoices, the
 * PaymentIntents of paid invoices) from the simulator with `secretKey` as the clinic's test key.
 */
export function membershipsWorker(
  dynamo: DynamoDBClient,
  tableName: string,
  options: { clinicId: string; secretKey: string; stripeApiUrl: string },
) {
  const clinicSecrets: ClinicSecrets = {
    clinicId: options.clinicId,
    test: {
      secretKey: options.secretKey,
      publishableKey: options.secretKey.replace('sk_', 'pk_'),
      accountId: null,
      webhookSecrets: [],
      webhook: { managed: false, endpointId: null, url: null },
      connectedAt: new Date().toISOString(),
    },
  };
  const secrets: SecretStore = {
    get: async () => clinicSecrets,
    put: async () => {},
    delete: async () => {},
  };
  return buildMembershipsWorker({
    table: { doc: createDocumentClient(dynamo), tableName },
    secrets: { cached: secrets, uncached: secrets },
    stripe: createStripeClient('membershipsWorker', { [envNames.stripeApiUrl]: options.stripeApiUrl }),
    observability: silent('membershipsWorker'),
    cors: { allowedOrigins: [] },
    now: () => new Date(),
  });
}

/** One Lambda function of the topology, as the bundle section needs it. */
export interface FunctionEntry {
  name: string;
  /** Handler module, relative to the repository root. */
  entry: string;
  memoryMb: number;
  /** Its topology entry (what infra bundles it from: its deferred packages follow its access). */
  definition: FunctionDefinition;
}

export function functionEntries(): FunctionEntry[] {
  return Object.entries(functions).map(([name, definition]) => ({
    name,
    entry: definition.entry,
    memoryMb: definition.memoryMb,
    definition,
  }));
}

/** Environment a handler module reads at init (made-up values: loading a bundle must not fail on config). */
export function handlerEnvironment(): Record<string, string> {
  return {
    [envNames.tableName]: 'bench-table',
    [envNames.clinicSecretPrefix]: 'bench/clinics/',
    [envNames.publicBaseUrl]: 'https://bench.invalid',
    ...Object.fromEntries(
      queueNames.map((name) => [
        queueUrlEnvName(name),
        `https://sqs.us-east-1.amazonaws.com/000000000000/${name}`,
      ]),
    ),
  };
}

/** Memory and batch size of the webhook path in the deployed topology (cost model inputs). */
export function webhookPathTopology() {
  return {
    ingestMemoryMb: functions.webhookIngest.memoryMb,
    workerMemoryMb: functions.paymentsWorker.memoryMb,
    workerBatchSize: queues.payments.batchSize,
  };
}

/**
 * What infra sets for the webhook path's logs and traces (cost model inputs): whether ingest and the payments worker
 * are actively traced, and whether Lambda's own START/END/REPORT lines (INFO) reach CloudWatch Logs.
 */
export function webhookPathObservability() {
  return {
    ingestTraced: tracingOf('webhookIngest', functions.webhookIngest) === Tracing.ACTIVE,
    workerTraced: tracingOf('paymentsWorker', functions.paymentsWorker) === Tracing.ACTIVE,
    platformLinesLogged: ['INFO', 'DEBUG'].includes(platformLogLevel as string),
  };
}

/** The API's access-log line template as infra configures it (`$context.*` variables in a JSON object). */
export function accessLogTemplate(): string {
  return httpApiAccessLogFormat.toString();
}
