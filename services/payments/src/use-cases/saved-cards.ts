import {
  type Caller,
  type Mode,
  NotFoundError,
  requireModeSecrets,
  StripeObjectMissingError,
  StripeUnavailableError,
} from '@basis/shared';
import type { CardRecord } from '../domain/customer.ts';
import type { CardSetup, SavedCards } from '../payments-views.ts';
import type { PaymentsApiDeps } from '../ports.ts';
import { assertActsFor } from './booking-payment.ts';
import { ensureCustomer } from './customers.ts';

/** `POST …/clients/{clientId}/payment-methods/setup`: a SetupIntent for Stripe Elements to save a card with. */
export async function startCardSetup(
  deps: PaymentsApiDeps,
  caller: Caller,
  input: { clinicId: string; clientId: string; mode: Mode; requestKey: string | undefined },
): Promise<CardSetup> {
  assertActsFor(caller, input.clientId);
  const connection = await requireModeSecrets(deps.secrets, input.clinicId, input.mode);
  const customerId = await ensureCustomer(deps, { ...input, secretKey: connection.secretKey });
  const setupIntent = await deps.gateway.createSetupIntent(connection.secretKey, {
    customerId,
    metadata: { clinic_id: input.clinicId, client_id: input.clientId },
    // The caller's Idempotency-Key when given; otherwise one per client and ten seconds, so a double click makes
    // one SetupIntent and the SDK's retries never make another.
    idempotencyKey: `basis-setup-${input.clinicId}-${input.mode}-${input.clientId}-${
      input.requestKey ?? `t${Math.floor(deps.now().getTime() / 10_000)}`
    }`,
  });
  return { ...setupIntent, customerId, publishableKey: connection.publishableKey };
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

/** `GET …/clients/{clientId}/payment-methods?mode=`: the client's saved cards, newest first. */
export async function listCards(
  deps: PaymentsApiDeps,
  caller: Caller,
  input: { clinicId: string; clientId: string; mode: Mode },
): Promise<SavedCards> {
  assertActsFor(caller, input.clientId);
  const customer = await deps.customers.byClient(input.clinicId, input.mode, input.clientId);
  if (!customer) return { data: [] };
  const cards = (await deps.customers.cards(input.clinicId, input.mode, customer.customerId))
    .filter((card) => card.state === 'attached')
    .sort((a, b) => b.attachedAt - a.attachedAt || b.paymentMethodId.localeCompare(a.paymentMethodId));
  const connection = await requireModeSecrets(deps.secrets, input.clinicId, input.mode);
  const defaultId = await defaultCardId(deps, connection.secretKey, customer.customerId, cards);
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
  const customer = await deps.customers.byClient(input.clinicId, input.mode, input.clientId);
  const card = customer && (await deps.customers.cardById(input.clinicId, input.mode, input.paymentMethodId));
  if (!customer || !card || card.customerId !== customer.customerId || card.state !== 'attached') {
    throw new NotFoundError('payment_method_not_found', 'No such saved card for this client.');
  }
  const connection = await requireModeSecrets(deps.secrets, input.clinicId, input.mode);
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
