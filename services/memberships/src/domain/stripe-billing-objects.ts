import * as z from 'zod';
import { membershipStatuses } from './membership.ts';

const idOf = z.union([z.string(), z.looseObject({ id: z.string() })]);

/** The part of a Stripe Subscription (API version 2026-10-28: billing periods live on the items) Basis reads. */
export const stripeSubscriptionSchema = z.looseObject({
  id: z.string().startsWith('sub_'),
  object: z.literal('subscription'),
  customer: idOf,
  status: z.enum(membershipStatuses),
  cancel_at_period_end: z.boolean(),
  canceled_at: z.number().int().nullable().optional(),
  created: z.number().int(),
  metadata: z.record(z.string(), z.string()).nullable().optional(),
  latest_invoice: idOf.nullable().optional(),
  items: z.looseObject({
    data: z
      .array(
        z.looseObject({
          current_period_start: z.number().int(),
          current_period_end: z.number().int(),
          price: z.looseObject({
            id: z.string(),
            unit_amount: z.number().int().nullable(),
            currency: z.string(),
            recurring: z.looseObject({ interval: z.string(), interval_count: z.number().int() }).nullable(),
          }),
          quantity: z.number().int().optional(),
        }),
      )
      .min(1),
  }),
});
export type StripeSubscription = z.infer<typeof stripeSubscriptionSchema>;

/** The part of a Stripe Invoice Basis reads (basil and later: the subscription is under `parent`). */
export const stripeInvoiceSchema = z.looseObject({
  id: z.string().startsWith('in_'),
  object: z.literal('invoice'),
  status: z.string().nullable(),
  amount_due: z.number().int(),
  amount_paid: z.number().int(),
  attempt_count: z.number().int(),
  created: z.number().int(),
  parent: z
    .looseObject({
      subscription_details: z
        .looseObject({
          subscription: idOf,
          metadata: z.record(z.string(), z.string()).nullable().optional(),
        })
        .nullable()
        .optional(),
    })
    .nullable()
    .optional(),
});
export type StripeInvoice = z.infer<typeof stripeInvoiceSchema>;

/** An InvoicePayment (`invoice_payment.paid`): which PaymentIntent paid which invoice. */
export const stripeInvoicePaymentSchema = z.looseObject({
  id: z.string(),
  object: z.literal('invoice_payment'),
  invoice: idOf,
  payment: z.looseObject({ payment_intent: idOf.nullable().optional() }),
});

export function idString(value: string | { id: string }): string {
  return typeof value === 'string' ? value : value.id;
}

/** The subscription an invoice bills, or null for an invoice of no subscription. */
export function subscriptionIdOf(invoice: StripeInvoice): string | null {
  const details = invoice.parent?.subscription_details;
  return details ? idString(details.subscription) : null;
}
