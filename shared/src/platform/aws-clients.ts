import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SQSClient } from '@aws-sdk/client-sqs';
import { z } from 'zod';
import { envNames } from '../config/env-names.ts';
import { readQueueUrls } from '../config/queue-urls.ts';
import { readConfig } from '../config/read-config.ts';
import { createDocumentClient } from '../dynamo/document-client.ts';
import { createObservability } from '../observability/observability.ts';
import { sqsEventQueue } from '../queue/sqs-event-queue.ts';
import { cachedSecretStore } from '../secrets/cached-secret-store.ts';
import { secretsManagerSecretStore } from '../secrets/secrets-manager-secret-store.ts';
import { type FunctionName, functions } from '../topology.ts';
import type { ClientsOf, PlatformClients } from './platform-clients.ts';

/**
 * The AWS side of a function's clients, built once per container at init from the environment the stack set for
 * exactly this function's access (a missing variable fails the cold start, naming it). Every AWS SDK client is
 * traced (Powertools Tracer). The Stripe client is not built here: only functions that call Stripe import it, so the
 * others' bundles stay small; their entries add `createStripeClient(<function name>)`.
 */
export function awsClients<Name extends FunctionName>(
  name: Name,
  env: NodeJS.ProcessEnv = process.env,
): Omit<ClientsOf<Name>, 'stripe'> {
  const definition = functions[name];
  const access: Partial<Record<'publicBaseUrl' | 'stripe', boolean>> & (typeof definition)['access'] =
    definition.access;
  const observability = createObservability(name);
  const { tracer } = observability;
  const config = readConfig(
    {
      [envNames.allowedOrigins]: z.string().default(''),
      [envNames.secretCacheTtlSeconds]: z.coerce.number().int().min(0).default(300),
    },
    env,
  );
  const clients: Partial<PlatformClients> = {
    observability,
    now: () => new Date(),
    cors: { allowedOrigins: parseOrigins(config[envNames.allowedOrigins] as string) },
  };
  if (access.table !== 'none') {
    const { [envNames.tableName]: tableName } = readConfig({ [envNames.tableName]: z.string().min(1) }, env);
    clients.table = { doc: createDocumentClient(undefined, tracer), tableName: tableName as string };
  }
  if (access.secrets !== 'none') {
    const { [envNames.clinicSecretPrefix]: prefix } = readConfig(
      { [envNames.clinicSecretPrefix]: z.string().min(1) },
      env,
    );
    const store = secretsManagerSecretStore(
      tracer.captureAWSv3Client(new SecretsManagerClient({})),
      prefix as string,
    );
    clients.secrets = {
      cached: cachedSecretStore(store, config[envNames.secretCacheTtlSeconds] as number),
      uncached: store,
    };
  }
  if (access.sendsTo.length > 0) {
    clients.queue = sqsEventQueue(
      tracer.captureAWSv3Client(new SQSClient({})),
      readQueueUrls(access.sendsTo, env),
    );
  }
  if (access.publicBaseUrl) {
    const { [envNames.publicBaseUrl]: url } = readConfig({ [envNames.publicBaseUrl]: z.url() }, env);
    clients.publicBaseUrl = url as string;
  }
  return clients as Omit<ClientsOf<Name>, 'stripe'>;
}

/** `BASIS_ALLOWED_ORIGINS`: a comma-separated list of origins; empty means no browser access. */
export function parseOrigins(value: string): string[] {
  return value
    .split(',')
    .map((origin) => origin.trim())
    .filter((origin) => origin !== '');
}
