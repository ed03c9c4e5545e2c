import {
  type EventQueue,
  type Mode,
  type QueueName,
  queueForEventType,
  type StripeEvent,
} from '@basis/shared';

/** Hands a verified event to the queue its type is routed to; answers the queue, or undefined for an ignored type. */
export async function enqueueEvent(
  queue: EventQueue,
  input: { clinicId: string; mode: Mode; event: StripeEvent; receivedAt: Date },
): Promise<QueueName | undefined> {
  const target = queueForEventType(input.event.type);
  if (!target) return undefined;
  await queue.send(target, {
    kind: 'stripe.webhook_event',
    clinicId: input.clinicId,
    mode: input.mode,
    receivedAt: input.receivedAt.toISOString(),
    event: input.event,
  });
  return target;
}
