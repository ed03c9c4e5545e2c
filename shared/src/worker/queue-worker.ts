import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { type WebhookEventMessage, webhookEventMessageSchema } from '../contracts/queue-message.ts';
import type { StripeEvent } from '../contracts/stripe-event.ts';
import type { EventLedger, LedgerEntry } from '../ledger/event-ledger.ts';
import { metricNames } from '../observability/metrics.ts';
import type { Observability } from '../observability/observability.ts';
import { withStripeCallMetrics } from '../stripe/stripe-call-metrics.ts';
import type { QueueName } from '../topology.ts';

export type EventOutcome = 'applied' | 'duplicate' | 'stale' | 'ignored';

/** What applying one webhook event returns: its outcome, and optionally work that must follow it. */
export type AppliedEvent =
  | EventOutcome
  | {
      outcome: EventOutcome;
      /**
       * Work after the event is applied and recorded (payouts: reconcile a paid payout). If it throws, the record is
       * retried; the redelivered event is then a duplicate and the follow-up runs again.
       */
      followUp: () => Promise<unknown>;
    };

/** A Lambda handler for an SQS event-source mapping with `ReportBatchItemFailures`. */
export type SqsWorker = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>;

/** Messages a context sends its own worker (kind other than `stripe.webhook_event`), by kind. */
export type InternalHandlers = Readonly<
  Record<string, (body: unknown, context: Context) => Promise<unknown>>
>;

export interface QueueWorkerOptions {
  queue: QueueName;
  observability: Observability;
  /** Where each webhook event's outcome is recorded for support. */
  ledger: EventLedger;
  /** Applies one verified Stripe event at most once; throws on anything unexpected (the record is retried). */
  applyEvent(message: WebhookEventMessage, context: Context): Promise<AppliedEvent>;
  internal?: InternalHandlers;
}

/**
 * The one SQS consumer shape (Powertools batch, partial-batch responses, the same Powertools middlewares as the
 * route kit). Each record is parsed against its contract and handed to `applyEvent` or to its internal handler; a
 * record that throws is reported alone in `batchItemFailures`, retried by SQS, and after `maxReceiveCount` lands in
 * the DLQ. Only a returned outcome acknowledges a message. Outcomes are counted (`WorkerOutcome`), and a failed
 * internal message is logged with its kind, clinic, object and receive count and counted (`InternalMessageFailed`).
 */
export function queueWorker(options: QueueWorkerOptions): SqsWorker {
  const { logger, metrics } = options.observability;
  const processor = new BatchProcessor(EventType.SQS);

  const handleInternal = async (record: SQSRecord, body: { kind: string }, context: Context) => {
    const handler = options.internal?.[body.kind];
    const described = describeInternal(record, body);
    if (!handler) throw new Error(`No handler for internal message kind ${body.kind}.`);
    try {
      const outcome = await handler(body, context);
      logger.debug('internal message processed', { ...described, outcome });
    } catch (error) {
      logger.error('internal message failed', { ...described, error });
      metrics.count(
        metricNames.internalMessageFailed,
        { queue: options.queue, kind: body.kind },
        { clinicId: described.clinicId ?? '' },
      );
      throw error;
    }
  };

  const handleEvent = async (record: SQSRecord, body: unknown, context: Context) => {
    const message = webhookEventMessageSchema.parse(body);
    const described = {
      clinicId: message.clinicId,
      mode: message.mode,
      eventId: message.event.id,
      type: message.event.type,
      messageId: record.messageId,
      receiveCount: record.attributes.ApproximateReceiveCount,
    };
    const recordOutcome = (outcome: EventOutcome | 'failed', reason: string | null) =>
      options.ledger.record(ledgerEntryOf(message, outcome, reason)).catch((ledgerError: unknown) =>
        // The event's own write stands: a ledger that cannot be written must not send it round again (and, in the
        // end, to the DLQ). The sweep finds it missing from the ledger and re-enqueues it; the worker then records it.
        logger.error('ledger write failed', { ...described, outcome, error: ledgerError }),
      );
    let applied: AppliedEvent;
    try {
      applied = await options.applyEvent(message, context);
    } catch (error) {
      logger.error('event failed', { ...described, error });
      metrics.count(
        metricNames.workerOutcome,
        { queue: options.queue, outcome: 'failed' },
        { clinicId: message.clinicId },
      );
      // Recorded for support; the record is still retried and, after maxReceiveCount, parked in the DLQ.
      await recordOutcome('failed', failureReason(error));
      throw error;
    }
    const outcome = typeof applied === 'string' ? applied : applied.outcome;
    await recordOutcome(outcome, null);
    metrics.count(
      metricNames.workerOutcome,
      { queue: options.queue, outcome },
      { clinicId: message.clinicId },
    );
    logger.debug('event processed', { ...described, outcome });
    if (typeof applied === 'string') return;
    try {
      await applied.followUp();
    } catch (error) {
      logger.error('event follow-up failed', { ...described, outcome, error });
      metrics.count(
        metricNames.internalMessageFailed,
        { queue: options.queue, kind: 'follow_up' },
        { clinicId: message.clinicId },
      );
      throw error;
    }
  };

  const handleRecord = async (record: SQSRecord, context: Context) => {
    const body = JSON.parse(record.body) as { kind?: unknown };
    if (typeof body.kind === 'string' && body.kind !== 'stripe.webhook_event') {
      await handleInternal(record, body as { kind: string }, context);
      return;
    }
    await handleEvent(record, body, context);
  };

  const handler = (event: SQSEvent, context: Context) =>
    withStripeCallMetrics(metrics, () =>
      processPartialResponse(event, (record: SQSRecord) => handleRecord(record, context), processor, {
        context,
        throwOnFullBatchFailure: false,
      }),
    );
  // No early timeout from middy: a worker that runs out of time fails its batch, which SQS redelivers, and time-aware
  // work (payout reconciliation) keeps its own reserve.
  return middy(handler, { timeoutEarlyInMillis: 0 })
    .use(injectLambdaContext(options.observability.logger, { resetKeys: true }))
    .use(logMetrics(options.observability.powertoolsMetrics)) as unknown as SqsWorker;
}

function describeInternal(record: SQSRecord, body: { kind: string }) {
  const fields = body as {
    kind: string;
    clinicId?: unknown;
    mode?: unknown;
    paymentId?: unknown;
    payoutId?: unknown;
  };
  const text = (value: unknown) => (typeof value === 'string' ? value : undefined);
  return {
    kind: body.kind,
    clinicId: text(fields.clinicId),
    mode: text(fields.mode),
    objectId: text(fields.paymentId) ?? text(fields.payoutId),
    messageId: record.messageId,
    receiveCount: record.attributes.ApproximateReceiveCount,
  };
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
export function failureReason(error: unknown): string {
  if (!(error instanceof Error)) return 'unknown error';
  return `${error.name}: ${error.message}`.slice(0, 300);
}
