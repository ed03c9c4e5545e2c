import { modes } from '@basis/shared';
import * as z from 'zod';

export const planIntervals = ['week', 'month', 'year'] as const;

/** `PUT …/membership-plans/{planId}`: amounts in the currency's minor unit; unknown fields are refused. */
export const planBodySchema = z.strictObject({
  mode: z.enum(modes),
  amount: z.number().int().min(50).max(99_999_999),
  currency: z.string().regex(/^[a-z]{3}$/, 'must be a lower-case ISO 4217 code'),
  interval: z.enum(planIntervals),
  intervalCount: z.number().int().min(1).max(12).optional(),
  active: z.boolean().optional(),
});
export type PlanBody = z.infer<typeof planBodySchema>;

/**
 * A membership plan: a Stripe Product (named `Basis plan <planId>`, never a title that could reveal health
 * information) and its current Price on the clinic's account, per mode. A new amount or interval makes a new Price:
 * existing Subscriptions keep the one they were created with.
 */
export const planRecordSchema = z.object({
  clinicId: z.string(),
  mode: z.enum(modes),
  planId: z.string(),
  productId: z.string().startsWith('prod_'),
  priceId: z.string().startsWith('price_'),
  amount: z.number().int().positive(),
  currency: z.string(),
  interval: z.enum(planIntervals),
  intervalCount: z.number().int().min(1).max(12),
  active: z.boolean(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
  version: z.number().int().positive(),
});
export type PlanRecord = z.infer<typeof planRecordSchema>;

/** The Plan of the HTTP contract (docs/api.md, "Memberships"). */
export function toPlanView(plan: PlanRecord) {
  return {
    planId: plan.planId,
    mode: plan.mode,
    amount: plan.amount,
    currency: plan.currency,
    interval: plan.interval,
    intervalCount: plan.intervalCount,
    active: plan.active,
    createdAt: plan.createdAt,
    updatedAt: plan.updatedAt,
  };
}

/** Whether the stored Price still bills what the body asks for (otherwise a new Price is needed). */
export function priceMatches(plan: PlanRecord, body: PlanBody): boolean {
  return (
    plan.amount === body.amount &&
    plan.currency === body.currency &&
    plan.interval === body.interval &&
    plan.intervalCount === (body.intervalCount ?? 1)
  );
}
