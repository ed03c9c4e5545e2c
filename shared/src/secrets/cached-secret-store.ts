import type { ClinicSecrets, SecretStore } from './clinic-secrets.ts';

interface CacheEntry {
  value: ClinicSecrets | undefined;
  expiresAt: number;
  loadedAt: number;
}

/** How big the cache may grow and how long it remembers that a clinic has no secrets. */
export interface SecretCacheLimits {
  /**
   * Most clinics held at once (default 1000); past it the least recently used entry goes. The webhook route is
   * unauthenticated, so anyone can make it look up any clinic id: the cache must not grow with what they send.
   */
  maxEntries?: number;
  /**
   * Seconds a miss (no such clinic) is remembered (default 30, never longer than the TTL): long enough that a flood of
   * one forged clinic id costs one Secrets Manager call per interval, short enough that a new clinic is found soon.
   */
  missTtlSeconds?: number;
}

export interface CachedSecretStore extends SecretStore {
  /**
   * Reads through to the inner store now, unless this clinic was read from it less than `minRefreshSeconds` ago
   * (so a stream of forged signatures cannot turn into a stream of Secrets Manager calls).
   */
  refresh(clinicId: string): Promise<ClinicSecrets | undefined>;
  invalidate(clinicId?: string): void;
  /** Clinics held now (hits and misses). */
  readonly size: number;
}

/**
 * A short, bounded in-memory cache in front of any SecretStore (`ttlSeconds` for a clinic's secrets). Misses are
 * cached too, for `limits.missTtlSeconds`, so an unknown clinic costs one Secrets Manager call per interval, not one
 * per webhook; at most `limits.maxEntries` clinics are held, least recently used out first, and expired entries go
 * when met. A write through this store invalidates its entry at once, and a read that was already under way when
 * the write happened does not put the old value back.
 */
export function cachedSecretStore(
  inner: SecretStore,
  ttlSeconds: number,
  now: () => number = Date.now,
  minRefreshSeconds = 5,
  limits: SecretCacheLimits = {},
): CachedSecretStore {
  const maxEntries = Math.max(1, limits.maxEntries ?? 1000);
  const missTtlSeconds = Math.min(ttlSeconds, limits.missTtlSeconds ?? 30);
  /** In least-recently-used order: a hit moves its entry to the end; the first entry is the next to go. */
  const cache = new Map<string, CacheEntry>();
  const remember = (clinicId: string, entry: CacheEntry) => {
    cache.delete(clinicId);
    cache.set(clinicId, entry);
    for (const oldest of cache.keys()) {
      if (cache.size <= maxEntries) break;
      cache.delete(oldest);
    }
  };
  const inFlight = new Map<string, Promise<ClinicSecrets | undefined>>();
  /** Bumped by every write or invalidation, so that reads started before it do not fill the cache. */
  const generations = new Map<string, number>();

  const invalidate = (clinicId: string) => {
    // Only writes (connects, rolls) bump a generation: the map grows with real clinics, not with forged ids.
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
        const ttl = value === undefined ? missTtlSeconds : ttlSeconds;
        remember(clinicId, { value, expiresAt: started + ttl * 1000, loadedAt: started });
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
    get size() {
      return cache.size;
    },
    async get(clinicId) {
      const hit = cache.get(clinicId);
      if (hit && hit.expiresAt > now()) {
        remember(clinicId, hit);
        return hit.value;
      }
      if (hit) cache.delete(clinicId);
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
