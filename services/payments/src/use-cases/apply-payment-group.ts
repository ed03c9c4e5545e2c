import {
  type AppliedEvent,
  relatedPaymentId,
  retryOnConflict,
  type WebhookEventMessage,
  writeBuffer,
} from '@basis/shared';
import { ConcurrentUpdateError, isConcurrentUpdate, type PaymentRecord } from '../domain/payment.ts';
import { parsePaymentIntent, progressOf } from '../domain/payment-intent-event.ts';
import type { ApplyPaymentEventDeps, PaymentStore } from '../ports.ts';
import { applyPaymentEvent } from './apply-payment-event.ts';

/** A group's flush that loses its condition re-runs the group on fresh data; more losses than this is a real problem. */
const maxAttempts = 8;

/** A payment store that keeps a group's writes in memory until `flush`. */
export interface BufferedPaymentStore extends PaymentStore {
  /**
   * Writes each changed payment once: its latest record, conditional on the version first read (none when nothing
   * changed). Throws `ConcurrentUpdateError` when another writer changed it since.
   */
  flush(): Promise<void>;
}

/**
 * Buffers one group's reads and writes over `store` (`writeBuffer`): the first `get` of a payment reads through,
 * later ones answer the buffered record; `save` is checked against the buffered version and kept in memory. Keyed by
 * clinic and payment id (the first and the last argument of `get`), so it does not care how the store's key is
 * spelled otherwise.
 */
export function bufferedPaymentStore(store: PaymentStore): BufferedPaymentStore {
  const buffer = writeBuffer<PaymentRecord>();
  const keyOf = (clinicId: string, paymentId: string) => `${clinicId}#${paymentId}`;
  return {
    // Anything but the payment record itself (lists) goes straight to the store.
    ...store,
    get: (...args: Parameters<PaymentStore['get']>) =>
      buffer.read(keyOf(args[0], args[args.length - 1] as string), () => store.get(...args)),
    async save(record, expectedVersion) {
      if (!buffer.hold(keyOf(record.clinicId, record.paymentId), record, expectedVersion))
        throw new ConcurrentUpdateError(record.paymentId);
    },
    flush: () => buffer.flush((latest, first) => store.save(latest, first?.version)),
  };
}

/**
 * The object a payments-queue event concerns: its payment (`payment_intent.*`, `charge.*`), or its card (saved-card
 * events), keyed by clinic and mode. Undefined for events that name neither: they are applied alone.
 */
export function paymentGroupOf(message: WebhookEventMessage): string | undefined {
  const { event } = message;
  const scope = `${message.clinicId}#${message.mode}`;
  if (event.type.startsWith('payment_intent.') || event.type.startsWith('charge.')) {
    const paymentId = relatedPaymentId(event);
    return paymentId ? `${scope}#payment#${paymentId}` : undefined;
  }
  if (event.type.startsWith('payment_method.')) return `${scope}#card#${event.data.object.id}`;
  if (event.type === 'setup_intent.succeeded') {
    const paymentMethod = event.data.object.payment_method;
    const paymentMethodId =
      typeof paymentMethod === 'string'
        ? paymentMethod
        : (paymentMethod as { id?: unknown } | null | undefined)?.id;
    return typeof paymentMethodId === 'string' ? `${scope}#card#${paymentMethodId}` : undefined;
  }
  return undefined;
}

/**
 * Within one second: PaymentIntent snapshots in the order a payment moves, then charge events (which fill what the
 * PaymentIntent's status allows). Events that do not parse sort first; applying them fails as it would alone.
 */
export function paymentEventOrder(message: WebhookEventMessage): number {
  const { event } = message;
  if (event.type.startsWith('charge.')) return 10;
  if (!event.type.startsWith('payment_intent.')) return 0;
  try {
    return progressOf(parsePaymentIntent(event.data.object));
  } catch {
    return 0;
  }
}

/**
 * Applies one payment's (or one card's) events from one batch, in order: one read, each event decided on the
 * in-memory record by the same decisions as alone (a Stripe read where the payloads tie), and one conditional write at
 * the end, none when nothing changed. A write that loses its condition re-runs the whole group on fresh data.
 */
export async function applyPaymentGroup(
  deps: ApplyPaymentEventDeps,
  messages: readonly WebhookEventMessage[],
): Promise<AppliedEvent[]> {
  return retryOnConflict(isConcurrentUpdate, maxAttempts, async () => {
    const payments = bufferedPaymentStore(deps.payments);
    const outcomes: AppliedEvent[] = [];
    for (const message of messages) outcomes.push(await applyPaymentEvent({ ...deps, payments }, message));
    await payments.flush();
    return outcomes;
  });
}
