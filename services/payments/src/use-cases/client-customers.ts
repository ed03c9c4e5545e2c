import { BasisError, StripeObjectMissingError, StripeUnavailableError } from '@basis/shared';
import type { ClientCustomers, CustomerStore, PaymentsGateway } from '../ports.ts';
import { ensureCustomer } from './customers.ts';

/** The `ClientCustomers` port: the one customer and saved-card logic, for contexts other than payments. */
export function clientCustomers(deps: {
  customers: CustomerStore;
  gateway: PaymentsGateway;
}): ClientCustomers {
  return {
    ensureCustomer: async (input) => (await ensureCustomer(deps, input)).customerId,
    async clientOf(clinicId, mode, customerId) {
      return (await deps.customers.byStripeId(clinicId, mode, customerId))?.clientId;
    },
    async usableCard({ clinicId, mode, customerId, secretKey, paymentMethodId }) {
      if (paymentMethodId) {
        const card = await deps.gateway
          .retrievePaymentMethod(secretKey, paymentMethodId)
          .catch((error: unknown) => {
            // Unknown to this account is "not theirs"; Stripe being unreachable is not.
            if (error instanceof StripeObjectMissingError) return undefined;
            throw error;
          });
        if (card?.customerId !== customerId) {
          throw new BasisError(
            'payment_method_not_owned',
            'The payment method is not one of this client’s saved cards.',
            { field: 'paymentMethodId' },
          );
        }
        return paymentMethodId;
      }
      const fromStripe = await deps.gateway
        .defaultPaymentMethodOf(secretKey, customerId)
        .catch((error: unknown) => {
          if (error instanceof StripeUnavailableError) return null;
          throw error;
        });
      if (fromStripe) return fromStripe;
      const newest = (await deps.customers.cards(clinicId, mode, customerId))
        .filter((card) => card.state === 'attached')
        .sort((a, b) => b.attachedAt - a.attachedAt || b.paymentMethodId.localeCompare(a.paymentMethodId))[0];
      return newest?.paymentMethodId ?? null;
    },
  };
}
