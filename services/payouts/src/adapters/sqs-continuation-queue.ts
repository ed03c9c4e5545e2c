import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { webhookEventMessageSchema } from '@basis/shared/contracts/queue-message';
import { modes } from '@basis/shared/topology';
import { z } from 'zod';

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

/** The port the worker uses to hand the rest of a reconciliation to its next invocation. */
export interface ContinuationQueue {
  send(message: ReconcilePayoutMessage): Promise<void>;
}

export function sqsContinuationQueue(client: SQSClient, queueUrl: string): ContinuationQueue {
  return {
    async send(message) {
      await client.send(
        new SendMessageCommand({
          QueueUrl: queueUrl,
          MessageBody: JSON.stringify(reconcilePayoutMessageSchema.parse(message)),
          MessageAttributes: {
            kind: { DataType: 'String', StringValue: message.kind },
            clinicId: { DataType: 'String', StringValue: message.clinicId },
          },
        }),
      );
    },
  };
}
