import type { WebhookEventMessage } from '@basis/shared/contracts/queue-message';
import { ConcurrentUpdateError, type PaymentStore } from '@basis/shared/records/payment';
import type { EventOutcome } from '@basis/shared/worker/webhook-event-worker';
import { applyPaymentIntentEvent, paymentIntentFacts } from './domain/payment-intent-event.ts';

export interface ApplyPaymentEventDeps {
  payments: PaymentStore;
  now: () => Date;
}

/** Conditional writes that lose a race are re-read and re-decided; more losses than this is a real problem. */
const maxAttempts = 5;

/**
 * Applies one webhook event to its payment record: read, decide (pure), one conditional write. A duplicate or
 * stale event costs no write. A write that lost a race with another delivery is decided again on fresh data.
 */
export async function applyPaymentEvent(
  deps: ApplyPaymentEventDeps,
  message: WebhookEventMessage,
): Promise<EventOutcome> {
  if (!message.event.type.startsWith('payment_intent.')) return 'ignored';
  const facts = paymentIntentFacts(message.event);
  for (let attempt = 1; ; attempt++) {
    const current = await deps.payments.get(message.clinicId, facts.paymentIntent.id);
    const decision = applyPaymentIntentEvent(current, facts, {
      clinicId: message.clinicId,
      mode: message.mode,
      now: deps.now(),
    });
    if (decision.outcome !== 'applied') return decision.outcome;
    try {
      await deps.payments.save(decision.record, current?.version);
      return 'applied';
    } catch (error) {
      if (!(error instanceof ConcurrentUpdateError) || attempt >= maxAttempts) throw error;
    }
  }
}
