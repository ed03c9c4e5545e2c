import { callStripe } from '@basis/shared';
import type Stripe from 'stripe';
import type { RefundsGateway } from '../ports.ts';

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
