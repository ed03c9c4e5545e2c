import { type EventOutcome, retryOnConflict, type WebhookEventMessage } from '@basis/shared';
import { isConcurrentPayoutUpdate, type PayoutRecord } from '../domain/payout.ts';
import { applyPayoutEvent as decide, payoutFacts } from '../domain/payout-event.ts';
import type { PayoutStore } from '../ports.ts';

export interface ApplyPayoutEventDeps {
  payouts: PayoutStore;
  now: () => Date;
}

export interface AppliedPayoutEvent {
  outcome: EventOutcome;
  /** The payout as it stands after the event (also after a duplicate or stale one); undefined if ignored. */
  record: PayoutRecord | undefined;
}

/** Conditional writes that lose a race are re-read and re-decided; more losses than this is a real problem. */
const maxAttempts = 5;

/**
 * Applies one `payout.*` event to its payout record: read, decide (pure), one conditional write. A duplicate or
 * stale event costs no write. A write that lost a race with another delivery is decided again on fresh data.
 */
export async function applyPayoutEvent(
  deps: ApplyPayoutEventDeps,
  message: WebhookEventMessage,
): Promise<AppliedPayoutEvent> {
  if (!message.event.type.startsWith('payout.')) return { outcome: 'ignored', record: undefined };
  const facts = payoutFacts(message.event);
  return retryOnConflict(isConcurrentPayoutUpdate, maxAttempts, async () => {
    const current = await deps.payouts.get(message.clinicId, message.mode, facts.payout.id);
    const decision = decide(current, facts, {
      clinicId: message.clinicId,
      mode: message.mode,
      now: deps.now(),
    });
    if (decision.outcome !== 'applied') return { outcome: decision.outcome, record: current };
    await deps.payouts.save(decision.record, current?.version);
    return { outcome: 'applied', record: decision.record };
  });
}
