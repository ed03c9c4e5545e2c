import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { z } from 'zod';
import { envNames } from '../config/env-names.ts';
import { readConfig } from '../config/read-config.ts';
import { cachedSecretStore } from './cached-secret-store.ts';
import { secretsManagerSecretStore } from './secrets-manager-secret-store.ts';

/**
 * The production SecretStore: Secrets Manager under the configured prefix, behind a short cache (readers such as
 * ingest and the workers). With `{ cached: false }` every read goes to Secrets Manager: for connect and disconnect,
 * which read, change and write a clinic's secret and must never start from another container's stale copy.
 */
export function secretStoreFromEnv(options: { cached?: boolean } = {}, env: NodeJS.ProcessEnv = process.env) {
  const config = readConfig(
    {
      [envNames.clinicSecretPrefix]: z.string().min(1),
      [envNames.secretCacheTtlSeconds]: z.coerce.number().int().min(0).default(60),
    },
    env,
  );
  const prefix = config[envNames.clinicSecretPrefix] as string;
  const ttlSeconds = config[envNames.secretCacheTtlSeconds] as number;
  const store = secretsManagerSecretStore(new SecretsManagerClient({}), prefix);
  return options.cached === false ? store : cachedSecretStore(store, ttlSeconds);
}
