import {
  type Caller,
  type Mode,
  NotFoundError,
  requireModeSecrets,
  StripeObjectMissingError,
  StripeUnavailableError,
  stripeIdempotencyKey,
} from '@basis/shared';
import { type CardRecord, customerAccountOf } from '../domain/customer.ts';
import type { CardSetup, SavedCards } from '../payments-views.ts';
import type { PaymentsApiDeps } from '../ports.ts';
import { assertActsFor } from './booking-payment.ts';
import { existingCustomer, isMissingCustomer, withCustomer } from './customers.ts';

/** `POST …/clients/{clientId}/payment-methods/setup`: a SetupIntent for Stripe Elements to save a card with. */
export async function startCardSetup(
  deps: PaymentsApiDeps,
  caller: Caller,
  input: { clinicId: string; clientId: string; mode: Mode; requestKey: string | undefined },
): Promise<CardSetup> {
  assertActsFor(caller, input.clientId);
  // Read past the cache: a SetupIntent is never made on an account the clinic has just replaced.
  const connection = await requireModeSecrets(deps.freshSecrets, input.clinicId, input.mode);
  return withCustomer(deps, { ...input, connection }, async (customerId) => {
    const setupIntent = await deps.gateway.createSetupIntent(connection.secretKey, {
      customerId,
      metadata: { clinic_id: input.clinicId, client_id: input.clientId },
      // The caller's Idempotency-Key when given; otherwise one per client and ten seconds, so a double click makes
      // one SetupIntent and the SDK's retries never make another. A digest: any caller key fits Stripe's limit.
      idempotencyKey: stripeIdempotencyKey(
        'setup',
        input.clinicId,
        input.mode,
        customerAccountOf(connection),
        input.clientId,
        customerId,
        input.requestKey ? `key:${input.requestKey}` : `t:${Math.floor(deps.now().getTime() / 10_000)}`,
      ),
    });
    return { ...setupIntent, customerId, publishableKey: connection.publishableKey };
  });
}

/**
 * The default card: the customer's `invoice_settings.default_payment_method` as Stripe has it now, or, when none
 * is set (or Stripe cannot be asked), the card saved last.
 */
async function defaultCardId(
  deps: PaymentsApiDeps,
  secretKey: string,
  customerId: string,
  cards: CardRecord[],
): Promise<string | null> {
  const fromStripe = await deps.gateway
    .defaultPaymentMethodOf(secretKey, customerId)
    .catch((error: unknown) => {
      if (error instanceof StripeUnavailableError) return null;
      throw error;
    });
  if (fromStripe && cards.some((card) => card.paymentMethodId === fromStripe)) return fromStripe;
  return cards[0]?.paymentMethodId ?? null;
}

/**
 * `GET …/clients/{clientId}/payment-methods?mode=`: the client's saved cards on the connected Stripe account, newest
 * first. A customer Stripe no longer knows has no cards: its reference is dropped.
 */
export async function listCards(
  deps: PaymentsApiDeps,
  caller: Caller,
  input: { clinicId: string; clientId: string; mode: Mode },
): Promise<SavedCards> {
  assertActsFor(caller, input.clientId);
  const connection = await requireModeSecrets(deps.secrets, input.clinicId, input.mode);
  const customer = await existingCustomer(deps, { ...input, connection });
  if (!customer) return { data: [] };
  const cards = (await deps.customers.cards(input.clinicId, input.mode, customer.customerId))
    .filter((card) => card.state === 'attached')
    .sort((a, b) => b.attachedAt - a.attachedAt || b.paymentMethodId.localeCompare(a.paymentMethodId));
  let defaultId: string | null;
  try {
    defaultId = await defaultCardId(deps, connection.secretKey, customer.customerId, cards);
  } catch (error) {
    if (!isMissingCustomer(error, customer.customerId)) throw error;
    await deps.customers.forget(customer);
    return { data: [] };
  }
  return {
    data: cards.map((card) => ({
      id: card.paymentMethodId,
      brand: card.brand,
      last4: card.last4,
      expMonth: card.expMonth,
      expYear: card.expYear,
      isDefault: card.paymentMethodId === defaultId,
    })),
  };
}

/** `DELETE …/payment-methods/{paymentMethodId}?mode=`: detach on Stripe, then mark it removed here. */
export async function removeCard(
  deps: PaymentsApiDeps,
  caller: Caller,
  input: { clinicId: string; clientId: string; mode: Mode; paymentMethodId: string },
) {
  assertActsFor(caller, input.clientId);
  const connection = await requireModeSecrets(deps.secrets, input.clinicId, input.mode);
  const customer = await existingCustomer(deps, { ...input, connection });
  const card = customer && (await deps.customers.cardById(input.clinicId, input.mode, input.paymentMethodId));
  if (!customer || !card || card.customerId !== customer.customerId || card.state !== 'attached') {
    throw new NotFoundError('payment_method_not_found', 'No such saved card for this client.');
  }
  await deps.gateway
    .detachPaymentMethod(connection.secretKey, input.paymentMethodId)
    .catch((error: unknown) => {
      // Already gone on Stripe: removing it here is all that is left to do.
      if (!(error instanceof StripeObjectMissingError)) throw error;
    });
  await deps.customers.putCardIfNewer({
    ...card,
    state: 'detached',
    stateCreated: Math.floor(deps.now().getTime() / 1000),
  });
}
