import type { RequestContext } from '../core.ts';
import { invalidRequest, resourceMissing } from '../errors.ts';
import { derivedToken, newId } from '../ids.ts';
import type { PaymentMethod } from '../objects.ts';
import { findTestCard, type TestCard } from '../test-cards.ts';

/**
 * How other resources use a PaymentMethod: resolve an id or a test token (`pm_card_visa` makes a
 * fresh `pm_…`), check it may be used again, attach it to a customer. Below the route modules, so
 * that customers, PaymentIntents, SetupIntents and payment attempts share these rules without
 * importing `payment-methods.ts`, which itself needs customers.
 */

function emptyBillingDetails(): Record<string, unknown> {
  return {
    address: { city: null, country: null, line1: null, line2: null, postal_code: null, state: null },
    email: null,
    name: null,
    phone: null,
    tax_id: null,
  };
}

/** Creates a real `pm_…` from a test card, as using a test token on Stripe does. */
export function createCardPaymentMethod(ctx: RequestContext, card: TestCard): PaymentMethod {
  const expYear = new Date(ctx.now * 1000).getUTCFullYear() + 3;
  const method = ctx.account.add<PaymentMethod>({
    id: newId('pm'),
    object: 'payment_method',
    allow_redisplay: 'unspecified',
    billing_details: emptyBillingDetails(),
    card: {
      brand: card.brand,
      checks: { address_line1_check: null, address_postal_code_check: null, cvc_check: null },
      country: card.country,
      display_brand: card.brand,
      exp_month: 12,
      exp_year: expYear,
      fingerprint: derivedToken(`${ctx.account.accountId}:${card.token}`, 16),
      funding: card.funding,
      generated_from: null,
      last4: card.last4,
      networks: { available: [card.brand], preferred: null },
      regulated_status: 'unregulated',
      three_d_secure_usage: { supported: true },
      wallet: null,
    },
    created: ctx.now,
    customer: null,
    customer_account: null,
    livemode: ctx.account.livemode,
    metadata: {},
    type: 'card',
  });
  ctx.account.cards.set(method.id, card);
  return method;
}

/**
 * A `pm_…` id of this account, or a test token (which makes a fresh PaymentMethod); an unknown id is
 * Stripe's 404 (`resource_missing` on `param`).
 */
export function resolvePaymentMethod(ctx: RequestContext, idOrToken: string, param: string): PaymentMethod {
  const card = findTestCard(idOrToken);
  if (card) return createCardPaymentMethod(ctx, card);
  const method = ctx.account.find('payment_method', idOrToken);
  if (!method) throw resourceMissing('PaymentMethod', idOrToken, param);
  return method;
}

/**
 * Refuses (400 on `param`) a PaymentMethod that was used without a customer or detached: Stripe
 * allows such a PaymentMethod one use only.
 */
export function ensureReusable(ctx: RequestContext, method: PaymentMethod, param: string): void {
  if (ctx.account.consumedPaymentMethods.has(method.id)) {
    throw invalidRequest(
      'The provided PaymentMethod was previously used with a PaymentIntent without Customer attachment, shared with a connected account without Customer attachment, or was detached from a Customer. It may not be used again. To use a PaymentMethod multiple times, you must attach it to a Customer first.',
      { param },
    );
  }
}

/**
 * Attaches the PaymentMethod to the customer (`payment_method.attached`); attaching it again to the
 * same customer changes nothing. Another customer's, or a consumed, PaymentMethod is a 400.
 */
export function attachPaymentMethod(
  ctx: RequestContext,
  method: PaymentMethod,
  customerId: string,
): PaymentMethod {
  if (method.customer === customerId) return method;
  if (method.customer !== null) {
    throw invalidRequest('The payment method you provided has already been attached to a customer.', {
      param: 'payment_method',
    });
  }
  ensureReusable(ctx, method, 'payment_method');
  method.customer = customerId;
  ctx.emit('payment_method.attached', method);
  return method;
}
