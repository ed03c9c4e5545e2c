import { type EventOutcome, type Mode, retryOnConflict } from '@basis/shared';
import { isConcurrentMembershipUpdate, type MembershipRecord } from '../domain/membership.ts';
import type { MembershipStore } from '../ports.ts';

export type MembershipDecisionResult =
  | { outcome: 'applied'; record: MembershipRecord }
  | { outcome: Exclude<EventOutcome, 'applied'> };

/** Conditional writes that lose a race are re-read and re-decided; more losses than this is a real problem. */
const maxAttempts = 8;

/**
 * Read the membership, decide, write once, conditional on the version and mode read. A write that lost a race (another
 * delivery, a sign-up or cancel answer) is decided again on fresh data; anything but `applied` costs no write.
 */
export async function updateMembership(
  store: MembershipStore,
  key: { clinicId: string; mode: Mode; membershipId: string },
  decide: (current: MembershipRecord | undefined) => Promise<MembershipDecisionResult>,
): Promise<{ outcome: EventOutcome; record: MembershipRecord | undefined }> {
  return retryOnConflict(isConcurrentMembershipUpdate, maxAttempts, async () => {
    const current = await store.get(key.clinicId, key.mode, key.membershipId);
    const decision = await decide(current);
    if (decision.outcome !== 'applied') return { outcome: decision.outcome, record: current };
    await store.save(decision.record, current);
    return { outcome: 'applied', record: decision.record };
  });
}
