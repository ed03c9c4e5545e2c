import { callStripe, type StripeClientSource, stripeLoaderOf } from '@basis/shared';
import type { RefundsGateway } from '../ports.ts';

export function stripeRefundsGateway(source: StripeClientSource): RefundsGateway {
  const sdk = stripeLoaderOf(source);
  return {
    createRefund(secretKey, input) {
      return callStripe(async () =>
        (await sdk()).refunds.create(
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
      return callStripe(async () =>
        (await sdk()).refunds
          .list({ payment_intent: paymentIntentId, limit: 100 }, { apiKey: secretKey })
          .autoPagingToArray({
            limit: 10_000,
          }),
      );
    },
  };
}
