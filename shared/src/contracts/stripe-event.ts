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

/**
 * Stripe's Event envelope with any `data.object`: what every correctly signed event has, whatever its type. Ingest
 * checks this much of every event, and the whole `stripeEventSchema` only of the types it routes (an event we ignore,
 * such as `balance.available`, may carry an object without an `id`, and must still be acknowledged).
 */
export const stripeEventEnvelopeSchema = stripeEventSchema.extend({
  data: z.looseObject({ object: z.looseObject({}) }),
});

export type StripeEventEnvelope = z.infer<typeof stripeEventEnvelopeSchema>;
