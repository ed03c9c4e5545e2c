import type { WebhookEventMessage } from '@basis/shared/contracts/queue-message';
import type { CardRecord } from '@basis/shared/records/customer';
import type { EventOutcome } from '@basis/shared/worker/webhook-event-worker';
import { z } from 'zod';
import type { ApplyPaymentEventDeps } from './apply-payment-event.ts';

const idOf = z
  .union([z.string(), z.looseObject({ id: z.string() })])
  .nullable()
  .optional();

const paymentMethodSchema = z.looseObject({
  id: z.string().startsWith('pm_'),
  customer: idOf,
  type: z.string(),
  card: z
    .looseObject({
      brand: z.string(),
      last4: z.string(),
      exp_month: z.number().int(),
      exp_year: z.number().int(),
    })
    .nullable()
    .optional(),
});

const setupIntentSchema = z.looseObject({ id: z.string(), customer: idOf, payment_method: idOf });

function id(value: z.infer<typeof idOf>): string | null {
  if (!value) return null;
  return typeof value === 'string' ? value : value.id;
}

/**
 * Keeps the stored card references in step with Stripe: `payment_method.attached`, `payment_method.detached` and
 * `setup_intent.succeeded` (whose card is read from Stripe). Each card keeps the `created` of the fact that set its
 * state, so an older fact never overrides a newer one, in whatever order they come.
 */
export async function applyCardEvent(
  deps: ApplyPaymentEventDeps,
  message: WebhookEventMessage,
): Promise<EventOutcome> {
  const { clinicId, mode, event } = message;
  if (event.type === 'payment_method.detached') {
    const paymentMethod = paymentMethodSchema.parse(event.data.object);
    const stored = await deps.customers.cardById(clinicId, mode, paymentMethod.id);
    if (!stored) return 'ignored';
    const written = await deps.customers.putCardIfNewer({
      ...stored,
      state: 'detached',
      stateCreated: event.created,
    });
    return written ? 'applied' : 'stale';
  }

  let card: Omit<CardRecord, 'clinicId' | 'mode' | 'state' | 'attachedAt' | 'stateCreated'>;
  if (event.type === 'payment_method.attached') {
    const paymentMethod = paymentMethodSchema.parse(event.data.object);
    const customerId = id(paymentMethod.customer);
    if (!customerId) return 'ignored';
    card = {
      paymentMethodId: paymentMethod.id,
      customerId,
      brand: paymentMethod.card?.brand ?? paymentMethod.type,
      last4: paymentMethod.card?.last4 ?? '',
      expMonth: paymentMethod.card?.exp_month ?? 0,
      expYear: paymentMethod.card?.exp_year ?? 0,
    };
  } else {
    const setupIntent = setupIntentSchema.parse(event.data.object);
    const customerId = id(setupIntent.customer);
    const paymentMethodId = id(setupIntent.payment_method);
    if (!customerId || !paymentMethodId) return 'ignored';
    if (!(await deps.customers.byStripeId(clinicId, customerId))) return 'ignored';
    card = { ...(await deps.stripe.paymentMethod(clinicId, mode, paymentMethodId)), customerId };
  }
  if (!(await deps.customers.byStripeId(clinicId, card.customerId))) return 'ignored';
  const written = await deps.customers.putCardIfNewer({
    ...card,
    clinicId,
    mode,
    state: 'attached',
    attachedAt: event.created,
    stateCreated: event.created,
  });
  return written ? 'applied' : 'stale';
}
