import type { EventOutcome, WebhookEventMessage } from '@basis/shared';
import * as z from 'zod';
import type { ApplyPaymentEventDeps } from '../ports.ts';
import { updatePayment } from './update-payment.ts';

const chargeSchema = z.looseObject({
  id: z.string().startsWith('ch_'),
  payment_intent: z
    .union([z.string(), z.looseObject({ id: z.string() })])
    .nullable()
    .optional(),
  paid: z.boolean().optional(),
  failure_code: z.string().nullable().optional(),
  failure_message: z.string().nullable().optional(),
});

/**
 * `charge.succeeded` / `charge.failed` add facts the PaymentIntent events may lack: the charge id of a succeeded
 * payment, the failure code of a failed one. They fill gaps and never change a status.
 */
export async function applyChargeEvent(
  deps: ApplyPaymentEventDeps,
  message: WebhookEventMessage,
): Promise<EventOutcome> {
  const charge = chargeSchema.parse(message.event.data.object);
  const paymentId =
    typeof charge.payment_intent === 'string' ? charge.payment_intent : charge.payment_intent?.id;
  if (!paymentId) return 'ignored';
  return updatePayment(deps.payments, message.clinicId, message.mode, paymentId, async (current) => {
    if (!current) return { outcome: 'stale' };
    const now = deps.now().toISOString();
    if (
      message.event.type === 'charge.succeeded' &&
      current.status === 'succeeded' &&
      current.chargeId === null
    ) {
      return {
        outcome: 'applied',
        record: { ...current, chargeId: charge.id, updatedAt: now, version: current.version + 1 },
      };
    }
    if (
      message.event.type === 'charge.failed' &&
      current.status === 'failed' &&
      current.failure === null &&
      charge.failure_code
    ) {
      const failure = {
        code: charge.failure_code,
        message: charge.failure_message ?? 'The payment was declined.',
      };
      return {
        outcome: 'applied',
        record: { ...current, failure, updatedAt: now, version: current.version + 1 },
      };
    }
    return { outcome: 'stale' };
  });
}
