import { jsonContent, type RouteContracts } from '@basis/shared';
import * as z from 'zod';

/** Stripe's Event object as it arrives: only what ingest reads is described; the rest passes as Stripe sent it. */
const stripeEventSchema = z
  .looseObject({
    id: z.string().meta({ example: 'evt_…' }),
    object: z.literal('event'),
    type: z.string().meta({ example: 'payment_intent.succeeded' }),
    livemode: z.boolean(),
    created: z.number().int().meta({ description: 'Unix seconds.' }),
    data: z.looseObject({ object: z.looseObject({ id: z.string().optional() }) }),
  })
  .meta({ id: 'StripeEvent', description: "A Stripe Event, signed with the clinic's endpoint secret." });

const stripeSignatureHeaderSchema = z.object({
  'stripe-signature': z
    .string()
    .meta({ description: "Stripe's `t=<unix seconds>,v1=<HMAC-SHA256>` signature." }),
});

const receivedSchema = z.object({ received: z.literal(true) }).meta({ id: 'WebhookReceived' });

const webhookContract = (mode: 'live' | 'test') => ({
  summary: `Stripe delivers a ${mode}-mode event of the clinic (no JWT: the signature authenticates it)`,
  description:
    'Answered 200 once enqueued, also for a duplicate and for any correctly signed event of a type Basis ignores; 5xx only when it could not be enqueued (Stripe retries).',
  body: stripeEventSchema,
  headers: stripeSignatureHeaderSchema,
  responses: { 200: { description: 'Received.', content: jsonContent(receivedSchema) } },
  errors: [
    'invalid_signature',
    'timestamp_outside_tolerance',
    'livemode_mismatch',
    'malformed_event',
    'clinic_not_connected',
    'payload_too_large',
    'enqueue_failed',
  ] as const,
});

/** Ingest's contracts, by routeKey: the webhook routes, the liveness probe and the OpenAPI document itself. */
export const ingestContracts: RouteContracts = {
  'POST /stripe_webhook/{clinicId}': webhookContract('live'),
  'POST /stripe_webhook_test/{clinicId}': webhookContract('test'),
  'GET /health': {
    summary: 'Liveness of the public API',
    responses: {
      200: {
        description: 'Up.',
        content: jsonContent(z.object({ status: z.literal('ok') }).meta({ id: 'Health' })),
      },
    },
    errors: [],
  },
  'GET /openapi.json': {
    summary: 'This OpenAPI 3.1 document',
    responses: {
      200: {
        description: 'The document.',
        content: jsonContent(z.looseObject({ openapi: z.string() }).meta({ description: 'OpenAPI 3.1.' })),
      },
    },
    errors: [],
  },
};
