import { modes } from '@basis/shared';
import * as z from 'zod';
import { payoutItemTypes, payoutStatuses } from './payout.ts';

const money = z.number().int().meta({ description: "In the currency's minor unit." });
const totalsSchema = z.object({ gross: money, fee: money, net: money });

/** The Payout of the HTTP contract (docs/api.md): what `toPayoutView` answers, and its OpenAPI schema. */
export const payoutViewSchema = z
  .object({
    payoutId: z.string().meta({ example: 'po_…' }),
    mode: z.enum(modes),
    amount: money,
    currency: z.string(),
    status: z.enum(payoutStatuses),
    arrivalDate: z.iso.datetime(),
    automatic: z.boolean().meta({ description: 'false for a manual payout, which Stripe cannot itemise.' }),
    createdAt: z.iso.datetime(),
    failure: z.object({ code: z.string(), message: z.string() }).nullable(),
    reconciled: z
      .boolean()
      .meta({ description: 'Paid, fully itemised, and the items add up to the amount.' }),
    reconciliation: z.object({
      status: z.enum(['completed', 'in_progress', 'pending', 'unavailable']),
      reason: z
        .enum(['awaiting_stripe_reconciliation', 'manual_payout', 'payout_failed', 'payout_canceled'])
        .nullable(),
      itemCount: z.number().int(),
    }),
    items: z.array(
      z
        .object({
          paymentId: z.string().nullable(),
          chargeId: z.string().nullable(),
          refundId: z.string().nullable(),
          disputeId: z.string().nullable(),
          balanceTransactionId: z.string().meta({ example: 'txn_…' }),
          type: z.enum(payoutItemTypes),
          stripeType: z.string(),
          matched: z.boolean().meta({ description: 'Whether `paymentId` is a payment recorded in Basis.' }),
          bookingId: z.string().nullable(),
          gross: money,
          fee: money,
          net: money,
        })
        .meta({ id: 'PayoutItem' }),
    ),
    totals: totalsSchema,
    difference: money.meta({ description: 'Payout amount minus the sum of item nets (0 when reconciled).' }),
  })
  .meta({ id: 'Payout' });

export type PayoutView = z.infer<typeof payoutViewSchema>;

export const payoutPageSchema = z
  .object({
    data: z.array(payoutViewSchema),
    nextCursor: z
      .string()
      .nullable()
      .meta({ description: 'Pass as `cursor` for the next page; null on the last.' }),
  })
  .meta({ id: 'PayoutPage' });
