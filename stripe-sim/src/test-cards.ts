/**
 * Stripe's test PaymentMethod tokens (https://docs.stripe.com/testing). Using one creates a real
 * `pm_…` object; its behaviour on confirm and refund follows the card it stands for.
 */
export type CardBehaviour =
  | { kind: 'succeeds' }
  | {
      kind: 'declines';
      declineCode: string;
      message: string;
      /** Attaching and setting up succeed; only charges decline (`pm_card_chargeCustomerFail`). */
      setupSucceeds?: boolean;
    }
  | { kind: 'requires_authentication' }
  | { kind: 'refund_fails' };

export interface TestCard {
  token: string;
  brand: string;
  last4: string;
  funding: 'credit' | 'debit';
  country: string;
  behaviour: CardBehaviour;
}

const DECLINED = 'Your card was declined.';

export const TEST_CARDS: readonly TestCard[] = [
  {
    token: 'pm_card_visa',
    brand: 'visa',
    last4: '4242',
    funding: 'credit',
    country: 'US',
    behaviour: { kind: 'succeeds' },
  },
  {
    token: 'pm_card_visa_debit',
    brand: 'visa',
    last4: '5556',
    funding: 'debit',
    country: 'US',
    behaviour: { kind: 'succeeds' },
  },
  {
    token: 'pm_card_mastercard',
    brand: 'mastercard',
    last4: '4444',
    funding: 'credit',
    country: 'US',
    behaviour: { kind: 'succeeds' },
  },
  {
    token: 'pm_card_amex',
    brand: 'amex',
    last4: '8431',
    funding: 'credit',
    country: 'US',
    behaviour: { kind: 'succeeds' },
  },
  {
    token: 'pm_card_chargeDeclined',
    brand: 'visa',
    last4: '0002',
    funding: 'credit',
    country: 'US',
    behaviour: { kind: 'declines', declineCode: 'generic_decline', message: DECLINED },
  },
  {
    token: 'pm_card_visa_chargeDeclinedInsufficientFunds',
    brand: 'visa',
    last4: '9995',
    funding: 'credit',
    country: 'US',
    behaviour: {
      kind: 'declines',
      declineCode: 'insufficient_funds',
      message: 'Your card has insufficient funds.',
    },
  },
  {
    token: 'pm_card_chargeDeclinedExpiredCard',
    brand: 'visa',
    last4: '0069',
    funding: 'credit',
    country: 'US',
    behaviour: { kind: 'declines', declineCode: 'expired_card', message: 'Your card has expired.' },
  },
  {
    token: 'pm_card_chargeCustomerFail',
    brand: 'visa',
    last4: '0341',
    funding: 'credit',
    country: 'US',
    behaviour: { kind: 'declines', declineCode: 'generic_decline', message: DECLINED, setupSucceeds: true },
  },
  {
    token: 'pm_card_authenticationRequired',
    brand: 'visa',
    last4: '3184',
    funding: 'credit',
    country: 'US',
    behaviour: { kind: 'requires_authentication' },
  },
  {
    token: 'pm_card_refundFail',
    brand: 'visa',
    last4: '5126',
    funding: 'credit',
    country: 'US',
    behaviour: { kind: 'refund_fails' },
  },
];

/** Test tokens Stripe.js-style `tok_…` card tokens map to the same cards. */
export function findTestCard(token: string): TestCard | undefined {
  const normalized = token.startsWith('tok_') ? `pm_card_${token.slice(4)}` : token;
  return TEST_CARDS.find((card) => card.token === normalized);
}

/** The decline error Stripe reports for a declining card (code `card_declined` except expired cards). */
export function declineCodeFor(behaviour: Extract<CardBehaviour, { kind: 'declines' }>): string {
  return behaviour.declineCode === 'expired_card' ? 'expired_card' : 'card_declined';
}
