import { z } from 'zod';
import { modes } from '../topology.ts';
import { stripeEventSchema } from './stripe-event.ts';

/** What webhook-ingest puts on a worker queue: the verified event and whose it is. */
export const webhookEventMessageSchema = z.object({
  kind: z.literal('stripe.webhook_event'),
  clinicId: z.string().min(1),
  mode: z.enum(modes),
  receivedAt: z.iso.datetime(),
  event: stripeEventSchema,
});

export type WebhookEventMessage = z.infer<typeof webhookEventMessageSchema>;
