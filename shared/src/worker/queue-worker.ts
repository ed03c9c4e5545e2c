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

/**
 * How a context applies the webhook events of one object together: per batch, the kit groups the webhook records by
 * `groupOf`, orders each group and hands it to `applyGroup` (groups run concurrently with each other, a group's events
 * in order), so that a batch holding several events of one object makes one decision and one write for it instead of
 * racing on conditional writes.
 */
export interface EventGrouping {
  /**
   * The object a message concerns, as a key unique across clinics and modes (e.g. `<clinic>#<mode>#<paymentId>`);
   * undefined: the message is applied alone with `applyEvent`, once the batch's groups have settled.
   */
  groupOf(message: WebhookEventMessage): string | undefined;
  /**
   * Within one Stripe `created` second, the order the object usually moves in (lower first); ties keep batch order.
   * Only shapes the work (fewer stale outcomes and Stripe reads): the outcome must not depend on it.
   */
  orderOf?(message: WebhookEventMessage): number;
  /**
   * Applies one object's events, in the order given, at most once each: one `AppliedEvent` per message, in the same
   * order. Throws when the group cannot be applied as one; the kit then applies its events one by one with
   * `applyEvent`, in the same order, so that each record succeeds or fails on its own (one event that cannot be
   * applied does not take its object's other events to the DLQ). A group that throws must therefore leave nothing
   * that applying its events alone would not finish.
   */
  applyGroup(messages: readonly WebhookEventMessage[], context: Context): Promise<readonly AppliedEvent[]>;
}

export interface QueueWorkerOptions {
  queue: QueueName;
  observability: Observability;
  /** Where each webhook event's outcome is recorded for support. */
  ledger: EventLedger;
  /** Applies one verified Stripe event at most once; throws on anything unexpected (the record is retried). */
  applyEvent(message: WebhookEventMessage, context: Context): Promise<AppliedEvent>;
  /** Events of one object in one batch applied together (see `EventGrouping`); without it, each alone. */
  grouping?: EventGrouping;
  internal?: InternalHandlers;
}

/**
 * A record's share of its group: the group's one application (started by whichever record asks first), each event's
 * result in it, and its place.
 */
interface GroupMember {
  /** The record's message, parsed once when the batch was planned. */
  message: WebhookEventMessage;
  applied: () => Promise<readonly PromiseSettledResult<AppliedEvent>[]>;
  index: number;
}

/** What the kit does with a group: apply it as one, or else each of its events alone, in order. */
interface GroupAppliers {
  applyAlone(message: WebhookEventMessage): Promise<AppliedEvent>;
  onGroupFailure(error: unknown, messages: readonly WebhookEventMessage[]): void;
}

/** A batch's groups: each grouped record's share by message id, and a wait for every group to settle. */
interface GroupPlan {
  members: Map<string, GroupMember>;
  settled(): Promise<unknown>;
}

/**
 * The batch's webhook records grouped by object, by message id. Records that are not webhook events, do not parse
 * (they fail alone, as before), have no group or share a message id with another record are left out: they are
 * handled one by one.
 */
function planGroups(
  records: readonly SQSRecord[],
  grouping: EventGrouping,
  appliers: GroupAppliers,
  context: Context,
): GroupPlan {
  const idCounts = new Map<string, number>();
  for (const record of records) idCounts.set(record.messageId, (idCounts.get(record.messageId) ?? 0) + 1);
  const groups = new Map<string, { messageId: string; message: WebhookEventMessage; position: number }[]>();
  records.forEach((record, position) => {
    if (idCounts.get(record.messageId) !== 1) return;
    let message: WebhookEventMessage;
    try {
      const body = JSON.parse(record.body) as { kind?: unknown };
      if (typeof body.kind === 'string' && body.kind !== 'stripe.webhook_event') return;
      message = webhookEventMessageSchema.parse(body);
    } catch {
      return;
    }
    const key = grouping.groupOf(message);
    if (key === undefined) return;
    const members = groups.get(key) ?? [];
    members.push({ messageId: record.messageId, message, position });
    groups.set(key, members);
  });
  const plan = new Map<string, GroupMember>();
  const starts: (() => Promise<unknown>)[] = [];
  for (const members of groups.values()) {
    const rank = (message: WebhookEventMessage) => grouping.orderOf?.(message) ?? 0;
    members.sort(
      (a, b) =>
        a.message.event.created - b.message.event.created ||
        rank(a.message) - rank(b.message) ||
        a.position - b.position,
    );
    const messages = members.map((member) => member.message);
    let started: Promise<readonly PromiseSettledResult<AppliedEvent>[]> | undefined;
    const applied = () => {
      started ??= applyGroupOrAlone(grouping, appliers, messages, context);
      return started;
    };
    starts.push(applied);
    members.forEach((member, index) => {
      plan.set(member.messageId, { message: member.message, applied, index });
    });
  }
  return { members: plan, settled: () => Promise.allSettled(starts.map((start) => start())) };
}

async function applyGroupOrAlone(
  grouping: EventGrouping,
  appliers: GroupAppliers,
  messages: readonly WebhookEventMessage[],
  context: Context,
): Promise<PromiseSettledResult<AppliedEvent>[]> {
  try {
    const results = await grouping.applyGroup(messages, context);
    if (results.length !== messages.length) {
      throw new Error(`applyGroup answered ${results.length} results for ${messages.length} events.`);
    }
    return results.map((value) => ({ status: 'fulfilled', value }));
  } catch (error) {
    appliers.onGroupFailure(error, messages);
    const alone: PromiseSettledResult<AppliedEvent>[] = [];
    // In order, one at a time: the events of one object must not race each other here either.
    for (const message of messages) {
      alone.push(
        await appliers.applyAlone(message).then(
          (value) => ({ status: 'fulfilled', value }) as const,
          (reason: unknown) => ({ status: 'rejected', reason }) as const,
        ),
      );
    }
    return alone;
  }
}

/**
 * The one SQS consumer shape (Powertools batch, partial-batch responses, the same Powertools middlewares as the
 * route kit). Each record is parsed against its contract and handed to `applyEvent` or to its internal handler; a
 * record that throws is reported alone in `batchItemFailures`, retried by SQS, and after `maxReceiveCount` lands in
 * the DLQ. With `grouping`, webhook records of one object are applied together, in order (see `EventGrouping`); a
 * group that throws is applied again event by event, so each of its records still succeeds or fails on its own. Only
 * a returned outcome acknowledges a message. Outcomes are counted (`WorkerOutcome`), and a failed internal message is
 * logged with its kind, clinic, object and receive count and counted (`InternalMessageFailed`).
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

  const handleEvent = async (
    record: SQSRecord,
    body: unknown,
    context: Context,
    member: GroupMember | undefined,
  ) => {
    const message = member?.message ?? webhookEventMessageSchema.parse(body);
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
      applied = member ? await resultOf(member) : await options.applyEvent(message, context);
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

  const appliersFor = (context: Context): GroupAppliers => ({
    applyAlone: (message) => options.applyEvent(message, context),
    onGroupFailure: (error, messages) => {
      const first = messages[0];
      logger.warn('event group failed; applying its events one by one', {
        clinicId: first?.clinicId,
        mode: first?.mode,
        objectId: first?.event.data.object.id,
        events: messages.length,
        error,
      });
    },
  });

  const handleRecord = async (record: SQSRecord, context: Context, plan: GroupPlan | undefined) => {
    const member = plan?.members.get(record.messageId);
    // A grouped record was parsed when the batch was planned; any other is parsed here.
    if (member) {
      await handleEvent(record, member.message, context, member);
      return;
    }
    const body = JSON.parse(record.body) as { kind?: unknown };
    if (typeof body.kind === 'string' && body.kind !== 'stripe.webhook_event') {
      await handleInternal(record, body as { kind: string }, context);
      return;
    }
    // An event the context cannot place (an InvoicePayment names only its invoice) may still concern a grouped
    // object: it waits for the batch's groups, so that it never races a group's one write.
    if (plan) await plan.settled();
    await handleEvent(record, body, context, undefined);
  };

  const handler = (event: SQSEvent, context: Context) =>
    withStripeCallMetrics(metrics, () => {
      // Each record keeps its own handler (and so its own entry in the partial batch response); records of one
      // object await their group's one application instead of racing each other's conditional writes.
      const plan = options.grouping
        ? planGroups(event.Records, options.grouping, appliersFor(context), context)
        : undefined;
      return processPartialResponse(
        event,
        (record: SQSRecord) => handleRecord(record, context, plan),
        processor,
        { context, throwOnFullBatchFailure: false },
      );
    });
  // No early timeout from middy: a worker that runs out of time fails its batch, which SQS redelivers, and time-aware
  // work (payout reconciliation) keeps its own reserve.
  return middy(handler, { timeoutEarlyInMillis: 0 })
    .use(injectLambdaContext(options.observability.logger, { resetKeys: true }))
    .use(logMetrics(options.observability.powertoolsMetrics)) as unknown as SqsWorker;
}

/** A grouped record's own result: its event's outcome, or its own failure, out of the group's one application. */
async function resultOf(member: GroupMember): Promise<AppliedEvent> {
  const result = (await member.applied())[member.index];
  if (!result) throw new Error('A group answered no result for one of its events.');
  if (result.status === 'rejected') throw result.reason;
  return result.value;
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
