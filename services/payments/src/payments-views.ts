import { ledgerViewSchema, modes } from '@basis/shared';
import * as z from 'zod';
import { paymentStatuses, paymentViewSchema } from './domain/payment.ts';
import { currencyTotalsSchema } from './domain/payments-report.ts';

/**
 * The answers of the payments API (docs/api.md), as schemas: the use cases' return types are inferred from them and
 * the OpenAPI document is generated from them, so the handlers, the document and the typed client cannot disagree.
 */

const isoInstant = z.iso.datetime().meta({ description: 'ISO 8601, UTC.' });
const nextCursor = z
  .string()
  .nullable()
  .meta({ description: 'Pass as `cursor` for the next page; null on the last page.' });

/** `POST …/bookings/{bookingId}/payment`: what Stripe.js needs to confirm the payment. */
export const bookingPaymentAnswerSchema = z
  .object({
    paymentId: z.string().meta({ example: 'pi_3Nq…' }),
    clientSecret: z.string().meta({ description: "The PaymentIntent's client secret, for Stripe.js." }),
    publishableKey: z.string().meta({ example: 'pk_test_…' }),
    status: z.enum(paymentStatuses),
    amount: z.number().int(),
    currency: z.string(),
  })
  .meta({ id: 'BookingPayment' });
export type BookingPaymentAnswer = z.infer<typeof bookingPaymentAnswerSchema>;

/** `POST …/payment-methods/setup`: what Stripe.js needs to save a card. */
export const cardSetupSchema = z
  .object({
    setupIntentId: z.string().meta({ example: 'seti_…' }),
    clientSecret: z.string(),
    customerId: z.string().meta({ example: 'cus_…' }),
    publishableKey: z.string(),
  })
  .meta({ id: 'CardSetup' });
export type CardSetup = z.infer<typeof cardSetupSchema>;

export const savedCardSchema = z
  .object({
    id: z.string().meta({ example: 'pm_…' }),
    brand: z.string().meta({ example: 'visa' }),
    last4: z.string(),
    expMonth: z.number().int(),
    expYear: z.number().int(),
    isDefault: z.boolean(),
  })
  .meta({ id: 'SavedCard' });
export const savedCardsSchema = z.object({ data: z.array(savedCardSchema) }).meta({ id: 'SavedCards' });
export type SavedCards = z.infer<typeof savedCardsSchema>;

export const paymentPageSchema = z
  .object({ data: z.array(paymentViewSchema), nextCursor })
  .meta({ id: 'PaymentPage' });
export type PaymentPage = z.infer<typeof paymentPageSchema>;

export const paymentsReportSchema = z
  .object({
    mode: z.enum(modes),
    from: isoInstant.meta({ description: 'Inclusive start of the window.' }),
    to: isoInstant.meta({ description: 'Exclusive end of the window.' }),
    currencies: z.array(currencyTotalsSchema),
  })
  .meta({ id: 'PaymentsReport' });

export const paymentsReportCsvSchema = z.string().meta({
  description:
    'RFC 4180 CSV: a header line `mode,from,to,currency,gross,refunded,net,succeededCount,failedCount,refundedCount,partiallyRefundedCount,disputed,disputedCount`, then one row per currency.',
});

export const ledgerPageSchema = z
  .object({ data: z.array(ledgerViewSchema), nextCursor })
  .meta({ id: 'EventPage' });
