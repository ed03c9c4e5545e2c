import {
  CreateSecretCommand,
  DeleteSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  ResourceExistsException,
  ResourceNotFoundException,
  SecretsManagerClient,
  SecretsManagerServiceException,
} from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { testModeSecrets } from '../../test/support/test-stack.ts';
import { cachedSecretStore } from '../src/secrets/cached-secret-store.ts';
import type { ClinicSecrets, SecretStore } from '../src/secrets/clinic-secrets.ts';
import { activeWebhookSecrets } from '../src/secrets/clinic-secrets.ts';
import { secretsManagerSecretStore } from '../src/secrets/secrets-manager-secret-store.ts';

const secretsManager = mockClient(SecretsManagerClient);
const prefix = 'basis/clinics/';
const clinic: ClinicSecrets = { clinicId: 'clinic_9', test: testModeSecrets('whsec_made_up_for_tests') };
const notFound = () => new ResourceNotFoundException({ message: 'not found', $metadata: {} });

beforeEach(() => secretsManager.reset());

describe('the Secrets Manager secret store', () => {
  const store = secretsManagerSecretStore(new SecretsManagerClient({ region: 'us-east-1' }), prefix);

  it('reads the clinic secret under the prefix and validates it', async () => {
    secretsManager.on(GetSecretValueCommand, { SecretId: 'basis/clinics/clinic_9' }).resolves({
      SecretString: JSON.stringify(clinic),
    });
    expect(await store.get('clinic_9')).toEqual(clinic);
  });

  it('answers undefined for a clinic that has no secret', async () => {
    secretsManager.on(GetSecretValueCommand).rejects(notFound());
    expect(await store.get('clinic_unknown')).toBeUndefined();
  });

  it('refuses a stored secret that is not of the expected shape', async () => {
    secretsManager
      .on(GetSecretValueCommand)
      .resolves({ SecretString: JSON.stringify({ clinicId: 'x', test: {} }) });
    await expect(store.get('x')).rejects.toThrow();
  });

  it('lets throttling and other service errors surface, so that the caller retries', async () => {
    const throttled = new SecretsManagerServiceException({
      name: 'ThrottlingException',
      $fault: 'client',
      $metadata: { httpStatusCode: 400 },
      message: 'Rate exceeded',
    });
    secretsManager.on(GetSecretValueCommand).rejects(throttled);
    await expect(store.get('clinic_9')).rejects.toThrow('Rate exceeded');
  });

  it('puts a new value on an existing secret', async () => {
    secretsManager.on(PutSecretValueCommand).resolves({});
    await store.put(clinic);
    const calls = secretsManager.commandCalls(PutSecretValueCommand);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.args[0].input.SecretId).toBe('basis/clinics/clinic_9');
    expect(JSON.parse(calls[0]?.args[0].input.SecretString ?? '')).toEqual(clinic);
    expect(secretsManager.commandCalls(CreateSecretCommand)).toHaveLength(0);
  });

  it('creates the secret on first write', async () => {
    secretsManager.on(PutSecretValueCommand).rejects(notFound());
    secretsManager.on(CreateSecretCommand).resolves({});
    await store.put(clinic);
    expect(secretsManager.commandCalls(CreateSecretCommand)[0]?.args[0].input.Name).toBe(
      'basis/clinics/clinic_9',
    );
  });

  it('writes its value over a secret that a concurrent first write created in between', async () => {
    secretsManager.on(PutSecretValueCommand).rejectsOnce(notFound()).resolves({});
    secretsManager
      .on(CreateSecretCommand)
      .rejects(new ResourceExistsException({ message: 'exists', $metadata: {} }));
    await store.put(clinic);
    expect(secretsManager.commandCalls(PutSecretValueCommand)).toHaveLength(2);
  });

  it('deletes a secret, and deleting a missing one is not an error', async () => {
    secretsManager.on(DeleteSecretCommand).rejects(notFound());
    await expect(store.delete('clinic_gone')).resolves.toBeUndefined();
  });
});

describe('the cached secret store', () => {
  function countingStore(initial: ClinicSecrets | undefined) {
    let value = initial;
    let reads = 0;
    const store: SecretStore = {
      get: async () => {
        reads++;
        await new Promise((resolve) => setTimeout(resolve, 5));
        return value;
      },
      put: async (next) => {
        value = next;
      },
      delete: async () => {
        value = undefined;
      },
    };
    return { store, reads: () => reads };
  }

  it('serves repeated and concurrent reads from one load until the TTL passes', async () => {
    let now = 0;
    const inner = countingStore(clinic);
    const cached = cachedSecretStore(inner.store, 60, () => now);
    await Promise.all([cached.get('clinic_9'), cached.get('clinic_9'), cached.get('clinic_9')]);
    await cached.get('clinic_9');
    expect(inner.reads()).toBe(1);
    now = 61_000;
    await cached.get('clinic_9');
    expect(inner.reads()).toBe(2);
  });

  it('caches a miss too, so an unknown clinic costs one lookup per TTL', async () => {
    const inner = countingStore(undefined);
    const cached = cachedSecretStore(inner.store, 60);
    expect(await cached.get('nobody')).toBeUndefined();
    expect(await cached.get('nobody')).toBeUndefined();
    expect(inner.reads()).toBe(1);
  });

  it('holds at most maxEntries clinics however many unknown ids are looked up, the least recently used out first', async () => {
    // Issue 11: every distinct clinic id posted to the unauthenticated webhook route used to stay in the cache forever.
    const inner = countingStore(undefined);
    const cached = cachedSecretStore(inner.store, 300, Date.now, 5, { maxEntries: 100 });
    for (let index = 0; index < 300; index++) await cached.get(`forged_${index}`);
    expect(inner.reads()).toBe(300);
    expect(cached.size).toBe(100);
    // The newest are kept; the oldest were evicted and cost a lookup again.
    await cached.get('forged_299');
    expect(inner.reads()).toBe(300);
    await cached.get('forged_0');
    expect(inner.reads()).toBe(301);
    expect(cached.size).toBe(100);
  });

  it('remembers a miss for a short TTL only, and a clinic’s secrets for the full TTL', async () => {
    let now = 0;
    const missing = countingStore(undefined);
    const misses = cachedSecretStore(missing.store, 300, () => now, 5, { missTtlSeconds: 30 });
    await misses.get('new_clinic');
    now = 29_000;
    await misses.get('new_clinic');
    expect(missing.reads()).toBe(1);
    now = 31_000;
    await misses.get('new_clinic');
    expect(missing.reads()).toBe(2);

    now = 0;
    const found = countingStore(clinic);
    const hits = cachedSecretStore(found.store, 300, () => now, 5, { missTtlSeconds: 30 });
    await hits.get('clinic_9');
    now = 299_000;
    await hits.get('clinic_9');
    expect(found.reads()).toBe(1);
  });

  it('drops an expired entry when it meets it', async () => {
    let now = 0;
    const inner = countingStore(undefined);
    const cached = cachedSecretStore(inner.store, 60, () => now, 5, { missTtlSeconds: 10 });
    await cached.get('gone');
    expect(cached.size).toBe(1);
    now = 11_000;
    inner.store.get = async () => {
      throw new Error('Secrets Manager is down');
    };
    await expect(cached.get('gone')).rejects.toThrow('down');
    expect(cached.size).toBe(0);
  });

  it('invalidates its entry when it writes', async () => {
    const inner = countingStore(undefined);
    const cached = cachedSecretStore(inner.store, 60);
    expect(await cached.get('clinic_9')).toBeUndefined();
    await cached.put(clinic);
    expect(await cached.get('clinic_9')).toEqual(clinic);
    await cached.delete('clinic_9');
    expect(await cached.get('clinic_9')).toBeUndefined();
  });
});

describe('active webhook secrets', () => {
  it('keeps the current secret and a rolled one until it expires', () => {
    const now = new Date('2026-11-26T12:00:00Z');
    const secrets = {
      ...testModeSecrets('whsec_new'),
      webhookSecrets: [
        { secret: 'whsec_new', expiresAt: null },
        { secret: 'whsec_old', expiresAt: '2026-11-27T12:00:00Z' },
        { secret: 'whsec_older', expiresAt: '2026-11-26T11:59:59Z' },
      ],
    };
    expect(activeWebhookSecrets(secrets, now)).toEqual(['whsec_new', 'whsec_old']);
  });
});
