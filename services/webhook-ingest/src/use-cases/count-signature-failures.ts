import type { HealthCounters } from '@basis/connect';
import type { Mode } from '@basis/shared';

/** Counts deliveries refused for a bad signature, per clinic and mode, for connection health. */
export interface SignatureFailureCounter {
  /** Never throws: counting is advice for an admin and must not change the answer Stripe gets. */
  record(clinicId: string, mode: Mode): Promise<void>;
}

/** At most one counter write per clinic, mode and container in this interval. */
export const signatureFailureWriteIntervalMs = 60_000;

/**
 * The refused deliveries of a clinic and mode reach the table as at most one UpdateItem per container per
 * `intervalMs`: the first refusal is written at once (so health sees it), the ones after it are added up in memory and
 * written with the next write after the interval. Why: the webhook URL is public and a refused request is free for
 * whoever sends it. One write per refusal would let a stranger posting forged requests for one clinic buy our writes
 * 1:1 and heat one item; this way a flood costs at most (concurrent containers × clinics connected) writes a minute,
 * and the item stays one number. Only clinics that are connected get here (ingest answers 404 before looking at the
 * signature otherwise), so the in-memory map is bounded by the connections. What a frozen container had not yet
 * written is lost: the count is a lower bound, which is what "refused deliveries happened" needs.
 */
export function boundedSignatureFailureCounter(
  counters: Pick<HealthCounters, 'add'>,
  options: { now: () => Date; onError: (error: unknown) => void; intervalMs?: number },
): SignatureFailureCounter {
  const intervalMs = options.intervalMs ?? signatureFailureWriteIntervalMs;
  const state = new Map<string, { unwritten: number; lastWriteAt: number }>();
  return {
    async record(clinicId, mode) {
      const key = `${clinicId}#${mode}`;
      const now = options.now();
      const entry = state.get(key) ?? { unwritten: 0, lastWriteAt: Number.NEGATIVE_INFINITY };
      state.set(key, entry);
      entry.unwritten++;
      if (now.getTime() - entry.lastWriteAt < intervalMs) return;
      const count = entry.unwritten;
      entry.unwritten = 0;
      entry.lastWriteAt = now.getTime();
      try {
        await counters.add(clinicId, mode, 'signature_failures', count, now);
      } catch (error) {
        entry.unwritten += count;
        options.onError(error);
      }
    },
  };
}
