import type { ClinicSecrets, SecretStore } from './clinic-secrets.ts';

interface CacheEntry {
  value: ClinicSecrets | undefined;
  expiresAt: number;
}

/**
 * A short in-memory cache in front of any SecretStore. Misses are cached too (an unknown clinic must not
 * cost a Secrets Manager call per webhook), and a write through this store invalidates its entry at once.
 */
export function cachedSecretStore(
  inner: SecretStore,
  ttlSeconds: number,
  now: () => number = Date.now,
): SecretStore & { invalidate(clinicId?: string): void } {
  const cache = new Map<string, CacheEntry>();
  const inFlight = new Map<string, Promise<ClinicSecrets | undefined>>();

  return {
    async get(clinicId) {
      const hit = cache.get(clinicId);
      if (hit && hit.expiresAt > now()) return hit.value;
      const pending = inFlight.get(clinicId);
      if (pending) return pending;
      const load = inner
        .get(clinicId)
        .then((value) => {
          cache.set(clinicId, { value, expiresAt: now() + ttlSeconds * 1000 });
          return value;
        })
        .finally(() => inFlight.delete(clinicId));
      inFlight.set(clinicId, load);
      return load;
    },
    async put(secrets) {
      cache.delete(secrets.clinicId);
      await inner.put(secrets);
      cache.delete(secrets.clinicId);
    },
    async delete(clinicId) {
      cache.delete(clinicId);
      await inner.delete(clinicId);
      cache.delete(clinicId);
    },
    invalidate(clinicId) {
      if (clinicId === undefined) cache.clear();
      else cache.delete(clinicId);
    },
  };
}
