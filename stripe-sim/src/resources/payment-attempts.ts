import type { RequestContext } from '../core.ts';
import { cardError, invalidRequest, unexpectedState } from '../errors.ts';
import type { PaymentIntent, PaymentMethod } from '../objects.ts';
import { snapshot } from '../objects.ts';
import { declineCodeFor } from '../test-cards.ts';
import { createFailedCharge, createSucceededCharge, type Decline } from './charging.ts';
import { onIntentOutcome } from './invoice-settlement.ts';
import { attachPaymentMethod, ensureReusable, resolvePaymentMethod } from './payment-method-usage.ts';

/**
 * What confirming a PaymentIntent does with each test card: succeed (Charge, balance transaction),
 * decline (402 with the failed Charge), or ask for 3-D Secure (`requires_action`) until
 * `/_sim/payment_intents/{id}/3ds` plays the customer passing or failing it.
 */
export const CONFIRMABLE: readonly string[] = [
  'requires_payment_method',
  'requires_confirmation',
  'requires_action',
];

export function docUrl(code: string): string {
  return `https://stripe.com/docs/error-codes/${code.replace(/_/g, '-')}`;
}

/** Sets the intent's PaymentMethod after Stripe's ownership checks (a test token makes a new one). */
export function assignPaymentMethod(
  ctx: RequestContext,
  intent: { customer: string | null; payment_method: string | null },
  idOrToken: string,
  param: string,
): PaymentMethod {
  const method = resolvePaymentMethod(ctx, idOrToken, param);
  if (method.customer !== null && method.customer !== intent.customer) {
    throw invalidRequest(
      intent.customer === null
        ? 'The provided PaymentMethod belongs to a Customer, but you did not provide the Customer. Please provide the Customer together with the PaymentMethod.'
        : `The provided PaymentMethod belongs to a different Customer than the one provided (${intent.customer}).`,
      { param },
    );
  }
  if (method.customer === null) ensureReusable(ctx, method, param);
  intent.payment_method = method.id;
  return method;
}

function renderIntent(intent: PaymentIntent): PaymentIntent {
  return snapshot(intent);
}

export function checkConfirmable(intent: PaymentIntent): void {
  if (CONFIRMABLE.includes(intent.status)) return;
  const message =
    intent.status === 'succeeded'
      ? 'You cannot confirm this PaymentIntent because it has already succeeded after being previously confirmed.'
      : `You cannot confirm this PaymentIntent because it has a status of ${intent.status}. Only a PaymentIntent with one of the following statuses may be confirmed: requires_confirmation, requires_payment_method, requires_action.`;
  throw unexpectedState('payment_intent_unexpected_state', message, { payment_intent: renderIntent(intent) });
}

function succeed(
  ctx: RequestContext,
  intent: PaymentIntent,
  method: PaymentMethod,
  threeDSecure: boolean,
): void {
  if (intent.setup_future_usage && intent.customer && method.customer === null) {
    attachPaymentMethod(ctx, method, intent.customer);
  }
  const charge = createSucceededCharge(ctx, intent, method, threeDSecure);
  Object.assign(intent, {
    status: 'succeeded',
    amount_received: intent.amount,
    latest_charge: charge.id,
    last_payment_error: null,
    next_action: null,
    payment_method: method.id,
  });
  if (method.customer === null) ctx.account.consumedPaymentMethods.add(method.id);
  ctx.emit('payment_intent.succeeded', intent);
  onIntentOutcome(ctx, intent, 'succeeded');
}

function decline(ctx: RequestContext, intent: PaymentIntent, method: PaymentMethod, details: Decline): never {
  const charge = createFailedCharge(ctx, intent, method, details);
  const lastError = {
    charge: charge.id,
    code: details.code,
    decline_code: details.declineCode,
    doc_url: docUrl(details.code),
    message: details.message,
    payment_method: snapshot(method),
    type: 'card_error',
  };
  Object.assign(intent, {
    status: 'requires_payment_method',
    last_payment_error: lastError,
    latest_charge: charge.id,
    next_action: null,
    payment_method: null,
  });
  ctx.emit('payment_intent.payment_failed', intent);
  onIntentOutcome(ctx, intent, 'failed');
  throw cardError(
    { code: details.code, declineCode: details.declineCode, message: details.message },
    { charge: charge.id, payment_intent: renderIntent(intent), payment_method: snapshot(method) },
  );
}

function requireAction(ctx: RequestContext, intent: PaymentIntent): void {
  Object.assign(intent, {
    status: 'requires_action',
    next_action: {
      type: 'use_stripe_sdk',
      use_stripe_sdk: {
        type: 'three_d_secure_redirect',
        stripe_js: `http://stripe-sim.local/3ds?payment_intent=${intent.id}`,
        source: `src_${intent.id.slice(3)}`,
      },
    },
  });
  ctx.emit('payment_intent.requires_action', intent);
  onIntentOutcome(ctx, intent, 'requires_action');
}

/** Runs the payment attempt for a confirmed intent with its PaymentMethod. */
export function attemptPayment(
  ctx: RequestContext,
  intent: PaymentIntent,
  method: PaymentMethod,
  offSession: boolean,
): void {
  const card = ctx.account.cards.get(method.id);
  const behaviour = card?.behaviour ?? { kind: 'succeeds' as const };
  if (behaviour.kind === 'declines') {
    decline(ctx, intent, method, {
      code: declineCodeFor(behaviour),
      declineCode: behaviour.declineCode,
      message: behaviour.message,
    });
  }
  if (behaviour.kind === 'requires_authentication') {
    if (offSession) {
      decline(ctx, intent, method, {
        code: 'authentication_required',
        declineCode: 'authentication_required',
        message: 'Your card was declined. This transaction requires authentication.',
      });
    }
    requireAction(ctx, intent);
    return;
  }
  succeed(ctx, intent, method, false);
}

export function confirmWith(
  ctx: RequestContext,
  intent: PaymentIntent,
  paymentMethod: string | undefined,
  offSession: boolean,
): void {
  checkConfirmable(intent);
  const methodId = paymentMethod ?? intent.payment_method;
  if (!methodId) {
    throw unexpectedState(
      'payment_intent_unexpected_state',
      "You cannot confirm this PaymentIntent because it's missing a payment method. You can either update the PaymentIntent with a payment method and then confirm it again, or confirm it again directly with a payment method.",
      { payment_intent: renderIntent(intent) },
    );
  }
  const method = paymentMethod
    ? assignPaymentMethod(ctx, intent, paymentMethod, 'payment_method')
    : ctx.account.get('payment_method', methodId, 'payment_method');
  attemptPayment(ctx, intent, method, offSession);
}

/** `/_sim/payment_intents/{id}/3ds`: the customer passes or fails the 3-D Secure challenge. */
export function completeAuthentication(ctx: RequestContext, intent: PaymentIntent, passed: boolean): void {
  if (intent.status !== 'requires_action') {
    throw unexpectedState(
      'payment_intent_unexpected_state',
      `This PaymentIntent has a status of ${intent.status}; only one that requires_action can be authenticated.`,
    );
  }
  const method = ctx.account.get('payment_method', intent.payment_method ?? '', 'payment_method');
  if (passed) {
    succeed(ctx, intent, method, true);
    return;
  }
  Object.assign(intent, {
    status: 'requires_payment_method',
    next_action: null,
    payment_method: null,
    last_payment_error: {
      code: 'payment_intent_authentication_failure',
      doc_url: docUrl('payment_intent_authentication_failure'),
      message:
        'The provided PaymentMethod has failed authentication. You can provide payment_method_data or a new PaymentMethod to attempt to fulfill this PaymentIntent again.',
      payment_method: snapshot(method),
      type: 'invalid_request_error',
    },
  });
  ctx.emit('payment_intent.payment_failed', intent);
  onIntentOutcome(ctx, intent, 'failed');
}
