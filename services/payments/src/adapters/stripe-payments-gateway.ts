import {
  callStripe,
  type StripeClientSource,
  StripeObjectMissingError,
  StripeRequestRejectedError,
  stripeErrorClasses,
  stripeLoaderOf,
  translateStripeError,
} from '@basis/shared';
import type Stripe from 'stripe';
import type { CardReference } from '../domain/customer.ts';
import type { PaymentIntentSummary, PaymentsGateway } from '../ports.ts';

export function cardReference(paymentMethod: Stripe.PaymentMethod): CardReference {
  const customer = paymentMethod.customer;
  return {
    paymentMethodId: paymentMethod.id,
    customerId: typeof customer === 'string' ? customer : (customer?.id ?? null),
    brand: paymentMethod.card?.brand ?? paymentMethod.type,
    last4: paymentMethod.card?.last4 ?? '',
    expMonth: paymentMethod.card?.exp_month ?? 0,
    expYear: paymentMethod.card?.exp_year ?? 0,
  };
}

function summary(paymentIntent: Stripe.PaymentIntent): PaymentIntentSummary {
  return { paymentIntent, clientSecret: paymentIntent.client_secret ?? '' };
}

export function stripePaymentsGateway(source: StripeClientSource): PaymentsGateway {
  const sdk = stripeLoaderOf(source);
  return {
    async createCustomer(secretKey, input) {
      const customer = await callStripe(async () =>
        (await sdk()).customers.create(
          // Opaque ids only: no names or emails of patients leave Basis.
          { metadata: { clinic_id: input.clinicId, client_id: input.clientId } },
          { apiKey: secretKey, idempotencyKey: input.idempotencyKey },
        ),
      );
      return { customerId: customer.id };
    },

    async createPaymentIntent(secretKey, input) {
      const create = async () =>
        (await sdk()).paymentIntents.create(
          {
            amount: input.amount,
            currency: input.currency,
            customer: input.customerId,
            automatic_payment_methods: { enabled: true },
            metadata: input.metadata,
            ...(input.savePaymentMethod ? { setup_future_usage: 'off_session' as const } : {}),
            ...(input.paymentMethodId ? { payment_method: input.paymentMethodId } : {}),
            ...(input.offSession ? { confirm: true, off_session: true } : {}),
          },
          { apiKey: secretKey, idempotencyKey: input.idempotencyKey },
        );
      if (!input.offSession) return summary(await callStripe(create));
      try {
        return summary(await create());
      } catch (error) {
        // 402 with the PaymentIntent: Stripe made the attempt and refused the card or wants the client present. That
        // is the payment's outcome (failed, or needing the client), which the answer and the record show.
        if (
          error instanceof (await stripeErrorClasses()).StripeError &&
          error.statusCode === 402 &&
          error.payment_intent
        ) {
          return summary(error.payment_intent);
        }
        throw await translateStripeError(error);
      }
    },

    async retrievePaymentIntent(secretKey, paymentIntentId) {
      return summary(
        await callStripe(async () =>
          (await sdk()).paymentIntents.retrieve(paymentIntentId, {}, { apiKey: secretKey }),
        ),
      );
    },

    async createSetupIntent(secretKey, input) {
      const setupIntent = await callStripe(async () =>
        (await sdk()).setupIntents.create(
          {
            customer: input.customerId,
            usage: 'off_session',
            automatic_payment_methods: { enabled: true },
            metadata: input.metadata,
          },
          { apiKey: secretKey, idempotencyKey: input.idempotencyKey },
        ),
      );
      return { setupIntentId: setupIntent.id, clientSecret: setupIntent.client_secret ?? '' };
    },

    async retrievePaymentMethod(secretKey, paymentMethodId) {
      return cardReference(
        await callStripe(async () =>
          (await sdk()).paymentMethods.retrieve(paymentMethodId, {}, { apiKey: secretKey }),
        ),
      );
    },

    async detachPaymentMethod(secretKey, paymentMethodId) {
      try {
        await callStripe(async () =>
          (await sdk()).paymentMethods.detach(paymentMethodId, {}, { apiKey: secretKey }),
        );
      } catch (error) {
        // Stripe refuses to detach a card attached to no customer (400, no code): a detach whose answer was lost,
        // or one made in the Dashboard, already did the work. Any other refusal stands.
        if (!(error instanceof StripeRequestRejectedError)) throw error;
        const paymentMethod = await callStripe(async () =>
          (await sdk()).paymentMethods.retrieve(paymentMethodId, {}, { apiKey: secretKey }),
        );
        if (paymentMethod.customer !== null) throw error;
      }
    },

    async cancelPaymentIntent(secretKey, paymentIntentId) {
      return callStripe(async () =>
        (await sdk()).paymentIntents.cancel(
          paymentIntentId,
          { cancellation_reason: 'requested_by_customer' },
          { apiKey: secretKey },
        ),
      );
    },

    async defaultPaymentMethodOf(secretKey, customerId) {
      const customer = await callStripe(async () =>
        (await sdk()).customers.retrieve(customerId, {}, { apiKey: secretKey }),
      );
      // A deleted customer is as good as missing: its cards were detached with it.
      if (customer.deleted)
        throw new StripeObjectMissingError(`No such customer: '${customerId}'`, 'customer');
      const value = customer.invoice_settings?.default_payment_method;
      return typeof value === 'string' ? value : (value?.id ?? null);
    },
  };
}
