import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import {
  cachedSecretStore,
  createDocumentClient,
  createObservability,
  createStripeClient,
  envNames,
  type Observability,
  type QueueName,
  queueNames,
  queues,
  type ScheduledFunctionName,
  type SecretStore,
} from '@basis/shared';
import { startApiGatewayServer } from './api-gateway-server.ts';
import { fileSecretStore } from './file-secret-store.ts';
import { lambdaContext } from './lambda-context.ts';
import { localAwsConfig } from './local-aws.ts';
import { removeLocalEndpoints, writeLocalEndpoints } from './local-endpoints.ts';
import { createLocalFunctions } from './local-functions.ts';
import { createQueues, createTable, type ProvisionedQueue, type QueueOverrides } from './provision.ts';
import { oldestAgesFromFauxqs } from './queue-ops.ts';
import { forbidScans } from './request-counter.ts';
import { type QueuePoller, type SqsFunction, startQueuePoller } from './sqs-poller.ts';

export interface LocalStackOptions {
  dynamoEndpoint: string;
  sqsEndpoint: string;
  /** Folder for local state (the secret store). */
  dataDir: string;
  /** HTTP port; 0 picks a free one. */
  port: number;
  /** The Stripe API (the simulator's URL locally). */
  stripeApiUrl: string;
  /** Prefix of table and queue names, so several stacks can share one pair of emulators. */
  namePrefix?: string;
  queueOverrides?: QueueOverrides;
  /** Each function's logs, metrics and traces (default: Powertools at the environment's log level). */
  observability?: (service: string) => Observability;
  /** Browser origins allowed on `/v1` routes (`BASIS_ALLOWED_ORIGINS` in `npm start`). */
  allowedOrigins?: readonly string[];
  /** Wraps each worker, e.g. to inject a crash after the worker ran. */
  wrapWorker?: (queue: QueueName, worker: SqsFunction) => SqsFunction;
  now?: () => Date;
  /** Balance transactions per page when reconciling payouts (default 100, Stripe's maximum). */
  payoutsPageSize?: number;
  /** Age below which the missed-event sweep leaves events to normal delivery (tests use 0). */
  sweepSettleSeconds?: number;
  /** Stripe's clock for the missed-event sweep: the simulator's, in `npm start` (see `LocalFunctionOptions`). */
  stripeNow?: () => Date;
}

export interface LocalStack {
  apiUrl: string;
  tableName: string;
  queues: Record<QueueName, ProvisionedQueue>;
  secrets: ReturnType<typeof cachedSecretStore>;
  dynamo: DynamoDBClient;
  doc: DynamoDBDocumentClient;
  sqs: SQSClient;
  /** Runs a scheduled function now, as its schedule would. */
  runScheduled(name: ScheduledFunctionName): Promise<unknown>;
  /** Resolves when every queue poller has found its queue empty after the call. */
  drained(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * The whole system on one machine: creates the table and queues of the topology in the given emulators, serves
 * the HTTP routes through a local API Gateway, and polls each queue into its worker as Lambda would.
 */
export async function startLocalStack(options: LocalStackOptions): Promise<LocalStack> {
  const prefix = options.namePrefix ?? 'basis-local-';
  const dynamo = new DynamoDBClient(localAwsConfig(options.dynamoEndpoint));
  forbidScans(dynamo);
  const doc = createDocumentClient(dynamo);
  const sqs = new SQSClient(localAwsConfig(options.sqsEndpoint));
  const tableName = `${prefix}table`;
  await createTable(dynamo, tableName);
  const provisioned = await createQueues(sqs, prefix, options.queueOverrides);
  const secretsDir = join(options.dataDir, 'secrets');
  const fileStore = fileSecretStore(secretsDir);
  const secrets = cachedSecretStore(fileStore, 5);
  const observability = options.observability ?? ((service: string) => createObservability(service));
  const api = await startApiGatewayServer({
    port: options.port,
    ...(options.allowedOrigins ? { allowedOrigins: options.allowedOrigins } : {}),
    console: {
      stripeApiUrl: options.stripeApiUrl,
      queues: {
        sqs,
        queues: provisioned,
        oldestAgeSeconds: (urls) => oldestAgesFromFauxqs(options.sqsEndpoint, urls),
      },
    },
  });

  const functions = createLocalFunctions(
    {
      table: { doc, tableName },
      sqs,
      queueUrls: Object.fromEntries(queueNames.map((name) => [name, provisioned[name].url])) as Record<
        QueueName,
        string
      >,
      secrets: { cached: secrets, uncached: writeThrough(fileStore, secrets) },
      stripeFor: (name) => createStripeClient(name, { [envNames.stripeApiUrl]: options.stripeApiUrl }),
      publicBaseUrl: api.url,
      cors: { allowedOrigins: options.allowedOrigins ?? [] },
      observability,
      now: options.now ?? (() => new Date()),
    },
    {
      ...(options.payoutsPageSize ? { payoutsPageSize: options.payoutsPageSize } : {}),
      ...(options.sweepSettleSeconds === undefined ? {} : { sweepSettleSeconds: options.sweepSettleSeconds }),
      ...(options.stripeNow ? { stripeNow: options.stripeNow } : {}),
    },
  );
  api.mount(functions.http);
  const pollerLog = observability('local-event-source').logger;
  const pollers: QueuePoller[] = queueNames.map((name) => {
    const definition = queues[name];
    const worker = functions.workers[definition.consumer];
    return startQueuePoller({
      sqs,
      queueUrl: provisioned[name].url,
      queueArn: provisioned[name].arn,
      batchSize: definition.batchSize,
      functionName: definition.consumer,
      handler: options.wrapWorker ? options.wrapWorker(name, worker) : worker,
      onError: (error) => pollerLog.error('worker invocation failed', { queue: name, error }),
    });
  });
  await writeLocalEndpoints(options.dataDir, {
    apiUrl: api.url,
    stripeApiUrl: options.stripeApiUrl,
    dynamoEndpoint: options.dynamoEndpoint,
    sqsEndpoint: options.sqsEndpoint,
    tableName,
    secretsDir,
    queues: provisioned,
  });

  return {
    apiUrl: api.url,
    tableName,
    queues: provisioned,
    secrets,
    dynamo,
    doc,
    sqs,
    runScheduled: (name) => functions.scheduled[name]({}, lambdaContext(name)),
    drained: async () => {
      await Promise.all(pollers.map((poller) => poller.idle()));
    },
    stop: async () => {
      await removeLocalEndpoints(options.dataDir);
      await Promise.all(pollers.map((poller) => poller.stop()));
      await api.close();
      dynamo.destroy();
      sqs.destroy();
    },
  };
}

/**
 * The uncached view of the local secret store, for connect (as Secrets Manager is for it in AWS). One process plays
 * every container here, so a write also drops the shared cache's entry: tests and `npm start` see a new connection
 * at once, where AWS containers pick it up on a verification failure or when their cache expires.
 */
function writeThrough(store: SecretStore, cache: ReturnType<typeof cachedSecretStore>): SecretStore {
  return {
    get: (clinicId) => store.get(clinicId),
    put: async (secrets) => {
      await store.put(secrets);
      cache.invalidate(secrets.clinicId);
    },
    delete: async (clinicId) => {
      await store.delete(clinicId);
      cache.invalidate(clinicId);
    },
  };
}
