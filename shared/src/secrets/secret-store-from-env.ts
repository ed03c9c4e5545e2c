import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { z } from 'zod';
import { envNames } from '../config/env-names.ts';
import { readConfig } from '../config/read-config.ts';
import { cachedSecretStore } from './cached-secret-store.ts';
import { secretsManagerSecretStore } from './secrets-manager-secret-store.ts';

/** The production SecretStore: Secrets Manager under the configured prefix, behind a short cache. */
export function secretStoreFromEnv(env: NodeJS.ProcessEnv = process.env) {
  const config = readConfig(
    {
      [envNames.clinicSecretPrefix]: z.string().min(1),
      [envNames.secretCacheTtlSeconds]: z.coerce.number().int().min(0).default(60),
    },
    env,
  );
  const prefix = config[envNames.clinicSecretPrefix] as string;
  const ttlSeconds = config[envNames.secretCacheTtlSeconds] as number;
  return cachedSecretStore(secretsManagerSecretStore(new SecretsManagerClient({}), prefix), ttlSeconds);
}
