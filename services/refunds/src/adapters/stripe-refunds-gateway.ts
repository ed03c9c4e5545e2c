import { callStripe } from '@basis/shared/stripe/stripe-errors';
import type Stripe from 'stripe';

export type RefundReason = 'requested_by_customer' | 'duplicate' | 'fraudulent';

/** What refunds ask of Stripe. Every call carries the clinic's key. */
export interface RefundsGateway {
  createRefund(
    secretKey: string,
    input: {
      paymentIntentId: string;
      amount: number;
      reason: RefundReason | null;
      metadata: Record<string, string>;
      idempotencyKey: string;
    },
  ): Promise<Stripe.Refund>;
  /** Every refund of a PaymentIntent, all pages. */
  listRefunds(secretKey: string, paymentIntentId: string): Promise<Stripe.Refund[]>;
}

export function stripeRefundsGateway(stripe: Stripe): RefundsGateway {
  return {
    createRefund(secretKey, input) {
      return callStripe(() =>
        stripe.refunds.create(
          {
            payment_intent: input.paymentIntentId,
            amount: input.amount,
            ...(input.reason ? { reason: input.reason } : {}),
            metadata: input.metadata,
          },
          { apiKey: secretKey, idempotencyKey: input.idempotencyKey },
        ),
      );
    },
    async listRefunds(secretKey, paymentIntentId) {
      return callStripe(() =>
        stripe.refunds
          .list({ payment_intent: paymentIntentId, limit: 100 }, { apiKey: secretKey })
          .autoPagingToArray({
            limit: 10_000,
          }),
      );
    },
  };
}
