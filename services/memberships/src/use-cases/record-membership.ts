import type { EventOutcome, Mode } from '@basis/shared';
import type { MembershipRecord } from '../domain/membership.ts';
import {
  applyInvoiceSnapshot,
  applySubscriptionSnapshot,
  type InvoiceFacts,
  type MembershipDecision,
  type SubscriptionFacts,
} from '../domain/membership-event.ts';
import type { MembershipsDeps } from '../ports.ts';
import { type MembershipDecisionResult, updateMembership } from './update-membership.ts';

type RecordDeps = Pick<MembershipsDeps, 'memberships' | 'billing' | 'now'>;

export interface MembershipTarget {
  clinicId: string;
  mode: Mode;
  membershipId: string;
  secretKey: () => Promise<string>;
}

function settled(decision: MembershipDecision): MembershipDecisionResult {
  if (decision.outcome === 'ambiguous') throw new Error('An authoritative snapshot cannot be ambiguous.');
  return decision;
}

/**
 * The decision for one Subscription snapshot; where two snapshots of one second cannot be ordered from their payloads,
 * the Subscription is read from Stripe and that read decides (it stands for that second).
 */
async function decideSubscription(
  deps: RecordDeps,
  target: MembershipTarget,
  current: MembershipRecord | undefined,
  facts: SubscriptionFacts,
): Promise<MembershipDecisionResult> {
  const context = { clinicId: target.clinicId, mode: target.mode, now: deps.now() };
  const decision = applySubscriptionSnapshot(current, facts, context);
  if (decision.outcome !== 'ambiguous') return decision;
  const live = await deps.billing.retrieveSubscription(await target.secretKey(), target.membershipId);
  return settled(
    applySubscriptionSnapshot(
      current,
      { ...facts, subscription: live.subscription, authoritative: true, readAtMs: deps.now().getTime() },
      context,
    ),
  );
}

/** Applies a Subscription snapshot (an event's, or a read's) to the membership: one decision, one write. */
export function recordSubscription(
  deps: RecordDeps,
  target: MembershipTarget,
  facts: SubscriptionFacts,
): Promise<{ outcome: EventOutcome; record: MembershipRecord | undefined }> {
  return updateMembership(deps.memberships, target, (current) =>
    decideSubscription(deps, target, current, facts),
  );
}

/**
 * Applies an invoice snapshot. A membership not recorded yet (its Subscription's events are still on their way) is
 * first made from a read of the Subscription, in the same write.
 */
export function recordInvoice(
  deps: RecordDeps,
  target: MembershipTarget,
  facts: InvoiceFacts,
  eventCreated: number,
): Promise<{ outcome: EventOutcome; record: MembershipRecord | undefined }> {
  return updateMembership(deps.memberships, target, async (current) => {
    let base = current;
    if (!base) {
      const live = await deps.billing.retrieveSubscription(await target.secretKey(), target.membershipId);
      const created = settled(
        applySubscriptionSnapshot(
          undefined,
          {
            eventId: `stripe_read_${eventCreated}`,
            eventCreated,
            subscription: live.subscription,
            authoritative: true,
            readAtMs: deps.now().getTime(),
          },
          { clinicId: target.clinicId, mode: target.mode, now: deps.now() },
        ),
      );
      if (created.outcome !== 'applied') return created;
      base = created.record;
    }
    const decision = settled(
      applyInvoiceSnapshot(base, facts, { clinicId: target.clinicId, mode: target.mode, now: deps.now() }),
    );
    if (decision.outcome === 'applied' && !current)
      return { ...decision, record: { ...decision.record, version: 1 } };
    if (!current) return { outcome: 'applied', record: base };
    return decision;
  });
}
