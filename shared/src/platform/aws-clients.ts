import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SQSClient } from '@aws-sdk/client-sqs';
import * as z from 'zod/mini';
import { envNames } from '../config/env-names.ts';
import { readQueueUrls } from '../config/queue-urls.ts';
import { readConfig } from '../config/read-config.ts';
import { createDocumentClient } from '../dynamo/document-client.ts';
import { createObservability } from '../observability/observability.ts';
import { sqsEventQueue } from '../queue/sqs-event-queue.ts';
import { cachedSecretStore } from '../secrets/cached-secret-store.ts';
import { secretsManagerSecretStore } from '../secrets/secrets-manager-secret-store.ts';
import { type FunctionName, functions } from '../topology.ts';
import type { PlatformClients, SecretClients, TableClients } from './platform-clients.ts';

/*
 * The AWS side of a function's clients, built once per container at init from the environment the stack set for
 * exactly this function's access (a missing variable fails the cold start, naming it). A Lambda entry composes the
 * pieces its function is granted, e.g.
 *
 *   const base = lambdaBaseClients('webhookIngest');
 *   export const handler = buildWebhookIngest({ ...base, secrets: awsSecretClients(base), queue: awsQueue(base) });
 *
 * so a bundle holds only the SDK clients its function uses (the builder's parameter type, `ClientsOf<Function>`,
 * refuses a missing piece). No SDK client is wrapped for X-Ray: see `createObservability` for why.
 */

/** What every function has: its observability, a clock, its CORS origins, and which function it is. */
export interface LambdaBaseClients extends Pick<PlatformClients, 'observability' | 'now' | 'cors'> {
  name: FunctionName;
  env: NodeJS.ProcessEnv;
}

export function lambdaBaseClients(
  name: FunctionName,
  env: NodeJS.ProcessEnv = process.env,
): LambdaBaseClients {
  const config = readConfig({ [envNames.allowedOrigins]: z._default(z.string(), '') }, env);
  return {
    name,
    env,
    observability: createObservability(name),
    now: () => new Date(),
    cors: { allowedOrigins: parseOrigins(config[envNames.allowedOrigins] as string) },
  };
}

/** The table (`BASIS_TABLE_NAME`) and a document client. */
export function awsTableClients(base: LambdaBaseClients): TableClients {
  return { doc: createDocumentClient(), tableName: awsTableName(base) };
}

/**
 * The table's name (`BASIS_TABLE_NAME`), read at init: for a function that makes its client on first use (webhook
 * ingest's entry, see `TableSource`).
 */
export function awsTableName(base: LambdaBaseClients): string {
  const { [envNames.tableName]: tableName } = readConfig(
    { [envNames.tableName]: z.string().check(z.minLength(1)) },
    base.env,
  );
  return tableName as string;
}

/** The readers' secret cache TTL unless a function's entry gives its own: Stripe keys, which nothing re-reads on failure. */
export const defaultSecretCacheTtlSeconds = 300;

/**
 * Clinic secrets in Secrets Manager under `BASIS_CLINIC_SECRET_PREFIX`: cached for readers, and uncached for writers.
 * The TTL is `BASIS_SECRET_CACHE_TTL_SECONDS` when set, else `options.cacheTtlSeconds` (webhook ingest's entry passes
 * its own, longer one: a failed signature check re-reads at once), else `defaultSecretCacheTtlSeconds`.
 */
export function awsSecretClients(
  base: LambdaBaseClients,
  options: { cacheTtlSeconds?: number } = {},
): SecretClients {
  const config = readConfig(
    {
      [envNames.clinicSecretPrefix]: z.string().check(z.minLength(1)),
      [envNames.secretCacheTtlSeconds]: z._default(
        z.pipe(z.coerce.number(), z.int().check(z.minimum(0))),
        options.cacheTtlSeconds ?? defaultSecretCacheTtlSeconds,
      ),
    },
    base.env,
  );
  const client = new SecretsManagerClient({});
  const store = secretsManagerSecretStore(client, config[envNames.clinicSecretPrefix] as string);
  return {
    cached: cachedSecretStore(store, config[envNames.secretCacheTtlSeconds] as number),
    uncached: store,
  };
}

/** Sends to the queues the function's access names (their URLs from `BASIS_QUEUE_URL_<QUEUE>`), nowhere else. */
export function awsQueue(base: LambdaBaseClients): PlatformClients['queue'] {
  const client = new SQSClient({});
  return sqsEventQueue(client, readQueueUrls(functions[base.name].access.sendsTo, base.env));
}

/** Where Stripe reaches this deployment (`BASIS_PUBLIC_BASE_URL`). */
export function awsPublicBaseUrl(base: LambdaBaseClients): string {
  const { [envNames.publicBaseUrl]: url } = readConfig({ [envNames.publicBaseUrl]: z.url() }, base.env);
  return url as string;
}

/** `BASIS_ALLOWED_ORIGINS`: a comma-separated list of origins; empty means no browser access. */
export function parseOrigins(value: string): string[] {
  return value
    .split(',')
    .map((origin) => origin.trim())
    .filter((origin) => origin !== '');
}
