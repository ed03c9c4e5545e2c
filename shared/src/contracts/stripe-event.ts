import * as z from 'zod';

/**
 * The part of Stripe's Event envelope the system relies on. Everything else is kept as-is (passthrough):
 * the workers read the object through their own schemas.
 */
export const stripeEventSchema = z.looseObject({
  id: z.string().regex(/^evt_\w+$/),
  object: z.literal('event'),
  type: z.string().min(1),
  created: z.number().int().nonnegative(),
  livemode: z.boolean(),
  api_version: z.string().nullable().optional(),
  data: z.looseObject({
    object: z.looseObject({ id: z.string().min(1), object: z.string().min(1) }),
    previous_attributes: z.record(z.string(), z.unknown()).optional(),
  }),
});

export type StripeEvent = z.infer<typeof stripeEventSchema>;
