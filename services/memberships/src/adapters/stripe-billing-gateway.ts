import {
  callStripe,
  type StripeClientSource,
  stripeErrorClasses,
  stripeLoaderOf,
  translateStripeError,
} from '@basis/shared';
import type Stripe from 'stripe';
import {
  idString,
  type StripeInvoice,
  stripeInvoiceSchema,
  stripeSubscriptionSchema,
} from '../domain/stripe-billing-objects.ts';
import type { BillingGateway, SubscriptionView } from '../ports.ts';

const withSecret = ['latest_invoice.confirmation_secret'];

function view(subscription: Stripe.Subscription): SubscriptionView {
  const invoice =
    subscription.latest_invoice && typeof subscription.latest_invoice === 'object'
      ? subscription.latest_invoice
      : null;
  return {
    subscription: stripeSubscriptionSchema.parse(subscription),
    latestInvoice: invoice ? stripeInvoiceSchema.parse(invoice) : null,
    clientSecret: invoice?.confirmation_secret?.client_secret ?? null,
  };
}

/** BillingGateway on the Stripe SDK (Products, Prices, Subscriptions, Invoices), with the clinic's key per call. */
export function stripeBillingGateway(source: StripeClientSource): BillingGateway {
  const sdk = stripeLoaderOf(source);
  return {
    async createProduct(secretKey, input) {
      const product = await callStripe(async () =>
        (await sdk()).products.create(
          { name: input.name, metadata: input.metadata },
          { apiKey: secretKey, idempotencyKey: input.idempotencyKey },
        ),
      );
      return product.id;
    },

    async createPrice(secretKey, input) {
      const price = await callStripe(async () =>
        (await sdk()).prices.create(
          {
            product: input.productId,
            unit_amount: input.amount,
            currency: input.currency,
            recurring: {
              interval: input.interval as Stripe.PriceCreateParams.Recurring.Interval,
              interval_count: input.intervalCount,
            },
            metadata: input.metadata,
          },
          { apiKey: secretKey, idempotencyKey: input.idempotencyKey },
        ),
      );
      return price.id;
    },

    async createSubscription(secretKey, input) {
      return view(
        await callStripe(async () =>
          (await sdk()).subscriptions.create(
            {
              customer: input.customerId,
              items: [{ price: input.priceId }],
              // As Stripe documents for collecting the first payment: the first invoice waits for its PaymentIntent to
              // be confirmed (server-side with a saved card, or by Stripe.js), and the card that pays is kept for
              // the renewals.
              payment_behavior: 'default_incomplete',
              payment_settings: { save_default_payment_method: 'on_subscription' },
              metadata: input.metadata,
              expand: withSecret,
            },
            { apiKey: secretKey, idempotencyKey: input.idempotencyKey },
          ),
        ),
      );
    },

    async retrieveSubscription(secretKey, subscriptionId) {
      return view(
        await callStripe(async () =>
          (await sdk()).subscriptions.retrieve(subscriptionId, { expand: withSecret }, { apiKey: secretKey }),
        ),
      );
    },

    async payInvoice(secretKey, invoiceId, input) {
      try {
        await (await sdk()).invoices.pay(
          invoiceId,
          { payment_method: input.paymentMethodId, off_session: input.offSession },
          { apiKey: secretKey, idempotencyKey: input.idempotencyKey },
        );
      } catch (error) {
        // 402: the card was declined or needs the client (3-D Secure). Stripe made the attempt and the invoice, its
        // PaymentIntent and the Subscription say how it ended; that is an answer, not a failure of ours.
        if (error instanceof (await stripeErrorClasses()).StripeError && error.statusCode === 402) return;
        throw await translateStripeError(error);
      }
    },

    async setCancelAtPeriodEnd(secretKey, subscriptionId, idempotencyKey) {
      return view(
        await callStripe(async () =>
          (await sdk()).subscriptions.update(
            subscriptionId,
            { cancel_at_period_end: true, expand: withSecret },
            { apiKey: secretKey, idempotencyKey },
          ),
        ),
      );
    },

    async cancelNow(secretKey, subscriptionId, idempotencyKey) {
      return view(
        await callStripe(async () =>
          (await sdk()).subscriptions.cancel(
            subscriptionId,
            { expand: withSecret },
            { apiKey: secretKey, idempotencyKey },
          ),
        ),
      );
    },

    async retrieveInvoice(secretKey, invoiceId) {
      const invoice = await callStripe(async () =>
        (await sdk()).invoices.retrieve(invoiceId, { expand: ['payments'] }, { apiKey: secretKey }),
      );
      const payments = invoice.payments?.data ?? [];
      const paying =
        payments.find((payment) => payment.status === 'paid') ?? payments.find((p) => p.is_default);
      const intent = paying?.payment.payment_intent;
      return {
        invoice: stripeInvoiceSchema.parse(invoice) as StripeInvoice,
        paymentIntentId: intent ? idString(intent) : null,
      };
    },

    async paymentFailure(secretKey, paymentIntentId) {
      const intent = await callStripe(async () =>
        (await sdk()).paymentIntents.retrieve(paymentIntentId, {}, { apiKey: secretKey }),
      );
      const error = intent.last_payment_error;
      if (!error) return null;
      return {
        code: error.decline_code ?? error.code ?? error.type ?? 'payment_failed',
        message: error.message ?? 'The payment was declined.',
      };
    },
  };
}
