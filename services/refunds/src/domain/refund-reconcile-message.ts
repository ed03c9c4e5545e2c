import { modes } from '@basis/shared';
import * as z from 'zod';

/**
 * Sent (delayed) to the refunds queue when a refund is written `pending`, before Stripe is called. If the process
 * dies or Stripe times out before the refund's id is recorded, the refunds worker completes it with the same
 * Idempotency-Key, so the crash can never produce a second refund nor leave the amount reserved forever.
 */
export const refundReconcileMessageSchema = z.object({
  kind: z.literal('basis.refund_reconcile'),
  clinicId: z.string().min(1),
  mode: z.enum(modes),
  paymentId: z.string().startsWith('pi_'),
  refundKey: z.string().min(1),
});

export type RefundReconcileMessage = z.infer<typeof refundReconcileMessageSchema>;
