import type { RequestContext } from '../core.ts';
import { newId, randomToken } from '../ids.ts';
import type { Charge, PaymentIntent, PaymentMethod } from '../objects.ts';
import { AVAILABILITY_DELAY_SECONDS, addBalanceTransaction, stripeFee } from './balance.ts';

/**
 * Charges as a confirmed PaymentIntent creates them: a succeeded Charge with its balance
 * transaction (fee 2.9% + 30), or a failed Charge carrying the decline.
 */
export interface Decline {
  code: string;
  declineCode: string;
  message: string;
}

const SELLER_MESSAGES: Record<string, string> = {
  generic_decline: 'The bank did not return any further details with this decline.',
  insufficient_funds: 'The bank returned the decline code `insufficient_funds`.',
  expired_card: 'The bank returned the decline code `expired_card`.',
  authentication_required: 'The bank returned the decline code `authentication_required`.',
};

function cardDetails(
  intent: PaymentIntent,
  method: PaymentMethod,
  threeDSecure: boolean,
): Record<string, unknown> {
  const { card } = method;
  return {
    card: {
      amount_authorized: intent.amount,
      authorization_code: null,
      brand: card.brand,
      checks: { address_line1_check: null, address_postal_code_check: null, cvc_check: null },
      country: card.country,
      exp_month: card.exp_month,
      exp_year: card.exp_year,
      extended_authorization: { status: 'disabled' },
      fingerprint: card.fingerprint,
      funding: card.funding,
      incremental_authorization: { status: 'unavailable' },
      installments: null,
      last4: card.last4,
      mandate: null,
      multicapture: { status: 'unavailable' },
      network: card.brand,
      network_token: { used: false },
      network_transaction_id: randomToken(15),
      overcapture: { maximum_amount_capturable: intent.amount, status: 'unavailable' },
      regulated_status: 'unregulated',
      three_d_secure: threeDSecure
        ? {
            authentication_flow: 'challenge',
            electronic_commerce_indicator: '05',
            exemption_indicator: null,
            result: 'authenticated',
            result_reason: null,
            transaction_id: randomToken(32),
            version: '2.2.0',
          }
        : null,
      wallet: null,
    },
    type: 'card',
  };
}

function baseCharge(
  ctx: RequestContext,
  intent: PaymentIntent,
  method: PaymentMethod,
  threeDSecure: boolean,
): Charge {
  return {
    id: newId('ch'),
    object: 'charge',
    amount: intent.amount,
    amount_captured: 0,
    amount_refunded: 0,
    application: null,
    application_fee: null,
    application_fee_amount: null,
    balance_transaction: null,
    billing_details: structuredClone(method.billing_details),
    calculated_statement_descriptor: 'BASIS STRIPE SIM',
    captured: false,
    created: ctx.now,
    currency: intent.currency,
    customer: intent.customer,
    description: intent.description,
    disputed: false,
    failure_balance_transaction: null,
    failure_code: null,
    failure_message: null,
    fraud_details: {},
    livemode: ctx.account.livemode,
    metadata: { ...intent.metadata },
    on_behalf_of: null,
    outcome: null,
    paid: false,
    payment_intent: intent.id,
    payment_method: method.id,
    payment_method_details: cardDetails(intent, method, threeDSecure),
    receipt_email: intent.receipt_email ?? null,
    receipt_number: null,
    receipt_url: null,
    refunded: false,
    review: null,
    shipping: null,
    source: null,
    source_transfer: null,
    statement_descriptor: null,
    statement_descriptor_suffix: null,
    status: 'pending',
    transfer_data: null,
    transfer_group: null,
  };
}

export function createSucceededCharge(
  ctx: RequestContext,
  intent: PaymentIntent,
  method: PaymentMethod,
  threeDSecure: boolean,
): Charge {
  const charge = baseCharge(ctx, intent, method, threeDSecure);
  const transaction = addBalanceTransaction(ctx.account, ctx.now, {
    amount: charge.amount,
    currency: charge.currency,
    fee: stripeFee(charge.amount),
    type: 'charge',
    reportingCategory: 'charge',
    source: charge.id,
    description: charge.description,
    availableOn: ctx.now + AVAILABILITY_DELAY_SECONDS,
  });
  Object.assign(charge, {
    amount_captured: charge.amount,
    balance_transaction: transaction.id,
    captured: true,
    outcome: {
      advice_code: null,
      network_advice_code: null,
      network_decline_code: null,
      network_status: 'approved_by_network',
      reason: null,
      risk_level: 'normal',
      risk_score: 32,
      seller_message: 'Payment complete.',
      type: 'authorized',
    },
    paid: true,
    receipt_url: `https://pay.stripe.com/receipts/payment/sim_${charge.id}`,
    status: 'succeeded',
  });
  ctx.account.add(charge);
  ctx.emit('charge.succeeded', charge);
  return charge;
}

export function createFailedCharge(
  ctx: RequestContext,
  intent: PaymentIntent,
  method: PaymentMethod,
  decline: Decline,
): Charge {
  const charge = baseCharge(ctx, intent, method, false);
  Object.assign(charge, {
    failure_code: decline.code,
    failure_message: decline.message,
    outcome: {
      advice_code: decline.declineCode === 'insufficient_funds' ? 'try_again_later' : 'do_not_try_again',
      network_advice_code: null,
      network_decline_code: null,
      network_status: 'declined_by_network',
      reason: decline.declineCode,
      risk_level: 'normal',
      risk_score: 32,
      seller_message: SELLER_MESSAGES[decline.declineCode] ?? SELLER_MESSAGES.generic_decline,
      type: 'issuer_declined',
    },
    status: 'failed',
  });
  ctx.account.add(charge);
  ctx.emit('charge.failed', charge);
  return charge;
}
