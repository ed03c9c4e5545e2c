import * as z from 'zod/mini';

/**
 * The part of Stripe's Event envelope the system relies on. Everything else is kept as-is (passthrough):
 * the workers read the object through their own schemas.
 */
export const stripeEventSchema = z.looseObject({
  id: z.string().check(z.regex(/^evt_\w+$/)),
  object: z.literal('event'),
  type: z.string().check(z.minLength(1)),
  created: z.int().check(z.nonnegative()),
  livemode: z.boolean(),
  api_version: z.optional(z.nullable(z.string())),
  data: z.looseObject({
    object: z.looseObject({ id: z.string().check(z.minLength(1)), object: z.string().check(z.minLength(1)) }),
    previous_attributes: z.optional(z.record(z.string(), z.unknown())),
  }),
});

export type StripeEvent = z.infer<typeof stripeEventSchema>;

/**
 * Stripe's Event envelope with any `data.object`: what every correctly signed event has, whatever its type. Ingest
 * checks this much of every event, and the whole `stripeEventSchema` only of the types it routes (an event we ignore,
 * such as `balance.available`, may carry an object without an `id`, and must still be acknowledged).
 */
export const stripeEventEnvelopeSchema = z.extend(stripeEventSchema, {
  data: z.looseObject({ object: z.looseObject({}) }),
});

export type StripeEventEnvelope = z.infer<typeof stripeEventEnvelopeSchema>;
