import { modes, webhookEventMessageSchema } from '@basis/shared';
import * as z from 'zod';

/**
 * "Carry on reconciling this payout": what the payouts worker sends to its own queue when its time runs low.
 * It carries no progress: the cursor lives in the payout record, so a lost, repeated or late message is harmless.
 */
export const reconcilePayoutMessageSchema = z.object({
  kind: z.literal('payouts.reconcile'),
  clinicId: z.string().min(1),
  mode: z.enum(modes),
  payoutId: z.string().startsWith('po_'),
  requestedAt: z.iso.datetime(),
});

export type ReconcilePayoutMessage = z.infer<typeof reconcilePayoutMessageSchema>;

/** Everything the payouts queue carries: webhook events from ingest, and continuations from the worker itself. */
export const payoutsQueueMessageSchema = z.discriminatedUnion('kind', [
  webhookEventMessageSchema,
  reconcilePayoutMessageSchema,
]);

export type PayoutsQueueMessage = z.infer<typeof payoutsQueueMessageSchema>;
