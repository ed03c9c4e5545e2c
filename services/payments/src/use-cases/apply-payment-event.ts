import type { EventOutcome, Mode, WebhookEventMessage } from '@basis/shared';
import {
  applyPaymentIntentEvent,
  type PaymentIntentFacts,
  paymentIntentFacts,
} from '../domain/payment-intent-event.ts';
import type { ApplyPaymentEventDeps, StripeReader } from '../ports.ts';
import { applyCardEvent } from './apply-card-event.ts';
import { applyChargeEvent } from './apply-charge-event.ts';
import { updatePayment } from './update-payment.ts';

/**
 * Applies a PaymentIntent snapshot (from an event, or from an API answer) to its payment record. Where the payload
 * cannot settle the order against what is stored (two snapshots of the same second), the PaymentIntent is read
 * from Stripe and that answer decides.
 */
export function applyPaymentIntentFacts(
  deps: Pick<ApplyPaymentEventDeps, 'payments' | 'now'> & { stripe: Pick<StripeReader, 'paymentIntent'> },
  context: { clinicId: string; mode: Mode },
  facts: PaymentIntentFacts,
): Promise<EventOutcome> {
  // One Stripe account connected by two clinics: a payment another clinic's booking made is not this clinic's.
  const owner = facts.paymentIntent.metadata?.clinic_id;
  if (owner !== undefined && owner !== context.clinicId) return Promise.resolve('ignored');
  return updatePayment(
    deps.payments,
    context.clinicId,
    context.mode,
    facts.paymentIntent.id,
    async (current) => {
      const decision = applyPaymentIntentEvent(current, facts, { ...context, now: deps.now() });
      if (decision.outcome !== 'ambiguous') return decision;
      const live = await deps.stripe.paymentIntent(context.clinicId, context.mode, facts.paymentIntent.id);
      const settled = applyPaymentIntentEvent(
        current,
        { ...facts, paymentIntent: live, authoritative: true },
        {
          ...context,
          now: deps.now(),
        },
      );
      if (settled.outcome === 'ambiguous') throw new Error('An authoritative snapshot cannot be ambiguous.');
      return settled;
    },
  );
}

/** The payments worker: PaymentIntent, charge and saved-card events. */
export async function applyPaymentEvent(
  deps: ApplyPaymentEventDeps,
  message: WebhookEventMessage,
): Promise<EventOutcome> {
  const { type } = message.event;
  if (type.startsWith('payment_intent.')) {
    return applyPaymentIntentFacts(deps, message, paymentIntentFacts(message.event));
  }
  if (type === 'charge.succeeded' || type === 'charge.failed') return applyChargeEvent(deps, message);
  if (
    type === 'payment_method.attached' ||
    type === 'payment_method.detached' ||
    type === 'setup_intent.succeeded'
  ) {
    return applyCardEvent(deps, message);
  }
  return 'ignored';
}
