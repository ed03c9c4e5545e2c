import {
  idempotencyKeyHeaderSchema,
  jsonContent,
  modes,
  type RouteContracts,
  stripeCallErrors,
} from '@basis/shared';
import * as z from 'zod';
import { paymentViewSchema } from './domain/payment.ts';
import { pricingSchema } from './domain/pricing.ts';
import {
  bookingPaymentAnswerSchema,
  cardSetupSchema,
  ledgerPageSchema,
  paymentPageSchema,
  paymentsReportCsvSchema,
  paymentsReportSchema,
  savedCardsSchema,
} from './payments-views.ts';
import { bookingPaymentBodySchema } from './use-cases/booking-payment.ts';
import { ledgerQuerySchema, paymentListQuerySchema, reportQuerySchema } from './use-cases/payment-queries.ts';

/** The `?mode=` (or `{"mode"}`) of the routes that take nothing else. */
export const modeOnlySchema = z.strictObject({ mode: z.enum(modes) });
/** `?mode=` where a route may name it: without it, both modes are read and the live record wins. */
export const optionalModeSchema = z.strictObject({ mode: z.enum(modes).optional() });

/** The payments API's contracts, by routeKey: the schemas its routes (payments-routes.ts) parse and answer with. */
export const paymentsContracts: RouteContracts = {
  'PUT /v1/clinics/{clinicId}/services/{serviceId}/pricing': {
    summary: "Set a service's price and whether it is paid at booking",
    body: pricingSchema,
    responses: { 200: { description: 'The pricing as stored.', content: jsonContent(pricingSchema) } },
    errors: [],
  },
  'GET /v1/clinics/{clinicId}/services/{serviceId}/pricing': {
    summary: "A service's price",
    responses: { 200: { description: 'The pricing.', content: jsonContent(pricingSchema) } },
    errors: ['pricing_not_found'],
  },
  'POST /v1/clinics/{clinicId}/bookings/{bookingId}/payment': {
    summary: "Create the booking's payment (a PaymentIntent for the service's price)",
    description:
      'Once per booking and mode: a repeat answers the same PaymentIntent (200). Confirm it with Stripe.js and the `clientSecret`.',
    body: bookingPaymentBodySchema,
    responses: {
      201: { description: 'Created.', content: jsonContent(bookingPaymentAnswerSchema) },
      200: {
        description: 'The booking already had this payment.',
        content: jsonContent(bookingPaymentAnswerSchema),
      },
    },
    errors: [
      'payment_not_required',
      'booking_payment_conflict',
      'payment_method_not_owned',
      ...stripeCallErrors,
    ],
  },
  'GET /v1/clinics/{clinicId}/bookings/{bookingId}/payment': {
    summary: "The booking's payment",
    description:
      'The client whose booking it is, staff and admins. 404 when the booking has no payment in this mode.',
    query: modeOnlySchema,
    responses: { 200: { description: 'The payment.', content: jsonContent(paymentViewSchema) } },
    errors: ['payment_not_found'],
  },
  'POST /v1/clinics/{clinicId}/clients/{clientId}/payment-methods/setup': {
    summary: 'Start saving a card (a SetupIntent for Stripe.js)',
    body: modeOnlySchema,
    headers: idempotencyKeyHeaderSchema,
    responses: { 201: { description: 'Created.', content: jsonContent(cardSetupSchema) } },
    errors: [...stripeCallErrors],
  },
  'GET /v1/clinics/{clinicId}/clients/{clientId}/payment-methods': {
    summary: "A client's saved cards",
    query: modeOnlySchema,
    responses: { 200: { description: 'Newest first.', content: jsonContent(savedCardsSchema) } },
    errors: [...stripeCallErrors],
  },
  'DELETE /v1/clinics/{clinicId}/clients/{clientId}/payment-methods/{paymentMethodId}': {
    summary: 'Remove a saved card',
    query: modeOnlySchema,
    responses: { 204: { description: 'Removed.' } },
    errors: ['payment_method_not_found', ...stripeCallErrors],
  },
  'GET /v1/clinics/{clinicId}/payments': {
    summary: "The clinic's payments, newest first (a client: their own)",
    query: paymentListQuerySchema,
    responses: { 200: { description: 'A page of payments.', content: jsonContent(paymentPageSchema) } },
    errors: [],
  },
  'GET /v1/clinics/{clinicId}/payments/{paymentId}': {
    summary: 'A payment',
    description:
      "Without `mode`, both modes are read (Stripe's ids are unique across modes) and the live payment is answered should both hold the id.",
    query: optionalModeSchema,
    responses: { 200: { description: 'The payment.', content: jsonContent(paymentViewSchema) } },
    errors: ['payment_not_found'],
  },
  'POST /v1/clinics/{clinicId}/payments/{paymentId}/cancel': {
    summary:
      'Cancel an unpaid payment (the booking was cancelled): releases the booking for a new PaymentIntent',
    responses: { 200: { description: 'The payment, canceled.', content: jsonContent(paymentViewSchema) } },
    errors: ['payment_not_found', 'payment_not_cancelable', ...stripeCallErrors],
  },
  'GET /v1/clinics/{clinicId}/reports/payments': {
    summary: 'Totals per currency over a window [from, to)',
    description:
      'Default window: the current calendar month (UTC); at most 366 days. `gross` counts payments that succeeded in the window, `refunded` refunds that succeeded in it, whichever month their payment was in.',
    query: reportQuerySchema,
    responses: {
      200: {
        description: 'The report (`format=csv`: text/csv, one row per currency).',
        content: { ...jsonContent(paymentsReportSchema), 'text/csv': paymentsReportCsvSchema },
      },
    },
    errors: [],
  },
  'GET /v1/clinics/{clinicId}/events': {
    summary: 'The event ledger: what became of each Stripe event, newest first (30 days)',
    description:
      "With `paymentId` or `objectId`: every event of that payment or object, whatever its outcome. With neither: the clinic's events that failed at least once (what an admin troubleshoots), each with the outcome a retry achieved since. `type` filters either form.",
    query: ledgerQuerySchema,
    responses: { 200: { description: 'A page of events.', content: jsonContent(ledgerPageSchema) } },
    errors: [],
  },
};
