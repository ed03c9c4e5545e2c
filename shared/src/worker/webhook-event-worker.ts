import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { type WebhookEventMessage, webhookEventMessageSchema } from '../contracts/queue-message.ts';
import type { StripeEvent } from '../contracts/stripe-event.ts';
import type { EventLedger, LedgerEntry } from '../ledger/event-ledger.ts';
import type { Logger } from '../observability/logger.ts';

export type EventOutcome = 'applied' | 'duplicate' | 'stale' | 'ignored';

export type SqsWorker = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>;

/**
 * An SQS consumer with partial-batch responses: each record is parsed against the queue contract and handed to
 * `apply`; a record that throws is reported alone in `batchItemFailures`, retried by SQS, and after
 * `maxReceiveCount` lands in the DLQ. Only an outcome that `apply` returns acknowledges a message.
 */
export function createWebhookEventWorker(
  logger: Logger,
  apply: (message: WebhookEventMessage) => Promise<EventOutcome>,
  options: {
    ledger?: EventLedger;
    /** Messages the worker's own service sends it (kind other than `stripe.webhook_event`). */
    internal?: (body: { kind: string }) => Promise<EventOutcome>;
  } = {},
): SqsWorker {
  const processor = new BatchProcessor(EventType.SQS);
  const handleRecord = async (record: SQSRecord) => {
    const body = JSON.parse(record.body) as { kind?: unknown };
    if (options.internal && typeof body.kind === 'string' && body.kind !== 'stripe.webhook_event') {
      const outcome = await options.internal(body as { kind: string });
      logger.info('message processed', { kind: body.kind, messageId: record.messageId, outcome });
      return;
    }
    const message = webhookEventMessageSchema.parse(body);
    const context = {
      clinicId: message.clinicId,
      mode: message.mode,
      eventId: message.event.id,
      type: message.event.type,
      messageId: record.messageId,
      receiveCount: record.attributes.ApproximateReceiveCount,
    };
    const recordOutcome = async (outcome: EventOutcome | 'failed', reason: string | null) =>
      options.ledger?.record(ledgerEntryOf(message, outcome, reason));
    let outcome: EventOutcome;
    try {
      outcome = await apply(message);
    } catch (error) {
      logger.error('event failed', { ...context, error });
      // Recorded for support; the record is still retried and, after maxReceiveCount, parked in the DLQ.
      await recordOutcome('failed', failureReason(error)).catch((ledgerError: unknown) =>
        logger.error('ledger write failed', { ...context, error: ledgerError }),
      );
      throw error;
    }
    // The event is applied: a ledger that cannot be written must not send it round again (and, in the end, to the
    // DLQ). The sweep finds it missing from the ledger and re-enqueues it; the worker then records it.
    await recordOutcome(outcome, null).catch((ledgerError: unknown) =>
      logger.error('ledger write failed', { ...context, outcome, error: ledgerError }),
    );
    logger.info('event processed', { ...context, outcome });
  };
  return (event, context) =>
    processPartialResponse(event, handleRecord, processor, { context, throwOnFullBatchFailure: false });
}

/** The ledger entry for one delivery of a webhook event. */
export function ledgerEntryOf(
  message: WebhookEventMessage,
  outcome: EventOutcome | 'failed',
  reason: string | null,
): LedgerEntry {
  return {
    clinicId: message.clinicId,
    mode: message.mode,
    eventId: message.event.id,
    type: message.event.type,
    created: message.event.created,
    receivedAt: message.receivedAt,
    outcome,
    reason,
    objectId: message.event.data.object.id,
    paymentId: relatedPaymentId(message.event),
  };
}

/** The payment an event concerns: the PaymentIntent itself, or the one a charge, refund or dispute belongs to. */
export function relatedPaymentId(event: StripeEvent): string | null {
  const object = event.data.object;
  if (object.object === 'payment_intent') return object.id;
  const paymentIntent = object.payment_intent;
  if (typeof paymentIntent === 'string') return paymentIntent;
  if (
    paymentIntent &&
    typeof paymentIntent === 'object' &&
    'id' in paymentIntent &&
    typeof paymentIntent.id === 'string'
  ) {
    return paymentIntent.id;
  }
  return null;
}

/** A short reason for the ledger: the error's class and message, cut short; never a stack or a payload. */
function failureReason(error: unknown): string {
  if (!(error instanceof Error)) return 'unknown error';
  return `${error.name}: ${error.message}`.slice(0, 300);
}
