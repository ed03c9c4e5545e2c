import type { ClinicSecrets, SecretStore } from './clinic-secrets.ts';

interface CacheEntry {
  value: ClinicSecrets | undefined;
  expiresAt: number;
  loadedAt: number;
}

export interface CachedSecretStore extends SecretStore {
  /**
   * Reads through to the inner store now, unless this clinic was read from it less than `minRefreshSeconds` ago
   * (so a stream of forged signatures cannot turn into a stream of Secrets Manager calls).
   */
  refresh(clinicId: string): Promise<ClinicSecrets | undefined>;
  invalidate(clinicId?: string): void;
}

/**
 * A short in-memory cache in front of any SecretStore. Misses are cached too (an unknown clinic must not cost a
 * Secrets Manager call per webhook). A write through this store invalidates its entry at once, and a read that
 * was already under way when the write happened does not put the old value back.
 */
export function cachedSecretStore(
  inner: SecretStore,
  ttlSeconds: number,
  now: () => number = Date.now,
  minRefreshSeconds = 5,
): CachedSecretStore {
  const cache = new Map<string, CacheEntry>();
  const inFlight = new Map<string, Promise<ClinicSecrets | undefined>>();
  /** Bumped by every write or invalidation, so that reads started before it do not fill the cache. */
  const generations = new Map<string, number>();

  const invalidate = (clinicId: string) => {
    generations.set(clinicId, (generations.get(clinicId) ?? 0) + 1);
    cache.delete(clinicId);
    inFlight.delete(clinicId);
  };

  const load = (clinicId: string): Promise<ClinicSecrets | undefined> => {
    const pending = inFlight.get(clinicId);
    if (pending) return pending;
    const generation = generations.get(clinicId) ?? 0;
    const started = now();
    const loading = inner.get(clinicId).then((value) => {
      if ((generations.get(clinicId) ?? 0) === generation) {
        cache.set(clinicId, { value, expiresAt: started + ttlSeconds * 1000, loadedAt: started });
      }
      return value;
    });
    const tracked = loading.finally(() => {
      if (inFlight.get(clinicId) === tracked) inFlight.delete(clinicId);
    });
    inFlight.set(clinicId, tracked);
    return tracked;
  };

  return {
    async get(clinicId) {
      const hit = cache.get(clinicId);
      if (hit && hit.expiresAt > now()) return hit.value;
      return load(clinicId);
    },
    async refresh(clinicId) {
      const hit = cache.get(clinicId);
      if (hit && now() - hit.loadedAt < minRefreshSeconds * 1000) return hit.value;
      cache.delete(clinicId);
      return load(clinicId);
    },
    async put(secrets) {
      invalidate(secrets.clinicId);
      try {
        await inner.put(secrets);
      } finally {
        invalidate(secrets.clinicId);
      }
    },
    async delete(clinicId) {
      invalidate(clinicId);
      try {
        await inner.delete(clinicId);
      } finally {
        invalidate(clinicId);
      }
    },
    invalidate(clinicId) {
      if (clinicId !== undefined) return invalidate(clinicId);
      for (const id of [...cache.keys(), ...inFlight.keys()]) invalidate(id);
    },
  };
}
