import type { EventOutcome, WebhookEventMessage } from '@basis/shared';
import * as z from 'zod';
import type { CardRecord } from '../domain/customer.ts';
import type { ApplyPaymentEventDeps } from '../ports.ts';

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

type StripePaymentMethod = z.infer<typeof paymentMethodSchema>;
type CardFacts = Omit<CardRecord, 'clinicId' | 'mode' | 'state' | 'attachedAt' | 'stateCreated'>;

function cardFacts(paymentMethod: StripePaymentMethod, customerId: string): CardFacts {
  return {
    paymentMethodId: paymentMethod.id,
    customerId,
    brand: paymentMethod.card?.brand ?? paymentMethod.type,
    last4: paymentMethod.card?.last4 ?? '',
    expMonth: paymentMethod.card?.exp_month ?? 0,
    expYear: paymentMethod.card?.exp_year ?? 0,
  };
}

/** A detach that overtook its attach leaves a tombstone, so the late attach is stale and the card stays removed. */
async function applyDetached(
  deps: ApplyPaymentEventDeps,
  message: WebhookEventMessage,
): Promise<EventOutcome> {
  const { clinicId, mode, event } = message;
  const paymentMethod = paymentMethodSchema.parse(event.data.object);
  const stored = await deps.customers.cardById(clinicId, mode, paymentMethod.id);
  const previousCustomer = event.data.previous_attributes?.customer;
  const written = await deps.customers.putCardIfNewer({
    ...(stored ?? {
      ...cardFacts(paymentMethod, typeof previousCustomer === 'string' ? previousCustomer : ''),
      clinicId,
      mode,
      attachedAt: 0,
    }),
    state: 'detached',
    stateCreated: event.created,
  });
  return written ? 'applied' : 'stale';
}

/** The card an attach or a succeeded SetupIntent names, or undefined when it is not a Basis customer's. */
async function attachedCard(
  deps: ApplyPaymentEventDeps,
  message: WebhookEventMessage,
): Promise<CardFacts | undefined> {
  const { clinicId, mode, event } = message;
  if (event.type === 'payment_method.attached') {
    const paymentMethod = paymentMethodSchema.parse(event.data.object);
    const customerId = id(paymentMethod.customer);
    return customerId ? cardFacts(paymentMethod, customerId) : undefined;
  }
  const setupIntent = setupIntentSchema.parse(event.data.object);
  const customerId = id(setupIntent.customer);
  const paymentMethodId = id(setupIntent.payment_method);
  if (!customerId || !paymentMethodId) return undefined;
  // The SetupIntent names the card only: read it from Stripe (only for customers Basis made).
  if (!(await deps.customers.byStripeId(clinicId, mode, customerId))) return undefined;
  return { ...(await deps.stripe.paymentMethod(clinicId, mode, paymentMethodId)), customerId };
}

/**
 * Keeps the stored card references in step with Stripe: `payment_method.attached`, `payment_method.detached` and
 * `setup_intent.succeeded`. Each card keeps the `created` of the fact that set its state, so an older fact never
 * overrides a newer one, in whatever order they come.
 */
export async function applyCardEvent(
  deps: ApplyPaymentEventDeps,
  message: WebhookEventMessage,
): Promise<EventOutcome> {
  if (message.event.type === 'payment_method.detached') return applyDetached(deps, message);
  const card = await attachedCard(deps, message);
  // Only a customer Basis made in this event's mode: a test-mode event naming a live customer is ignored.
  if (!card || !(await deps.customers.byStripeId(message.clinicId, message.mode, card.customerId)))
    return 'ignored';
  const written = await deps.customers.putCardIfNewer({
    ...card,
    clinicId: message.clinicId,
    mode: message.mode,
    state: 'attached',
    attachedAt: message.event.created,
    stateCreated: message.event.created,
  });
  return written ? 'applied' : 'stale';
}
