import * as z from 'zod/mini';
import { type Mode, modes } from '../vocabulary.ts';
import { stripeEventSchema } from './stripe-event.ts';

/** What webhook-ingest puts on a worker queue: the verified event and whose it is. */
export const webhookEventMessageSchema = z.object({
  kind: z.literal('stripe.webhook_event'),
  clinicId: z.string().check(z.minLength(1)),
  mode: z.enum(modes),
  receivedAt: z.iso.datetime(),
  event: stripeEventSchema,
});

export type WebhookEventMessage = z.infer<typeof webhookEventMessageSchema>;

/**
 * A message a context sends its own worker (a refund to reconcile, a payout to continue). Each context owns its
 * message's full schema; the queue and worker kit rely only on these fields.
 */
export interface InternalMessage {
  kind: `basis.${string}` | `payouts.${string}`;
  clinicId: string;
  mode: Mode;
  /** The context's own fields (the payment, the refund, the payout …). */
  [field: string]: unknown;
}

/** Anything a worker queue carries. */
export type QueueMessage = WebhookEventMessage | InternalMessage;

/** Whether a queue message is a webhook event (as opposed to a context's internal message). */
export function isWebhookEventMessage(message: QueueMessage): message is WebhookEventMessage {
  return message.kind === 'stripe.webhook_event';
}
