import type { ConnectionEntry, ConnectionRegistry, HealthCounters } from '@basis/connect';
import {
  type EventLedger,
  type EventQueue,
  failureReason,
  type Logger,
  type Metrics,
  metricNames,
  queueForEventType,
  relatedPaymentId,
  type SecretStore,
  type StripeEvent,
  stripeEventSchema,
  sweepRefusedReason,
} from '@basis/shared';
import type Stripe from 'stripe';
import type { EventsGateway } from '../adapters/stripe-events-gateway.ts';
import { enqueueEvent } from './enqueue-event.ts';

export interface SweepDeps {
  connections: ConnectionRegistry;
  secrets: SecretStore;
  ledger: EventLedger;
  events: EventsGateway;
  queue: EventQueue;
  logger: Logger;
  metrics: Metrics;
  now: () => Date;
  /** Events younger than this are left to their normal delivery (and Stripe's retries). */
  settleSeconds: number;
  /** What the sweep healed, per clinic and mode: connection health's `missed_events`. */
  healthCounters: Pick<HealthCounters, 'add'>;
}

/** What one sweep did: connections looked at, events healed (enqueued), connections and events that failed. */
export interface SweepResult {
  connections: number;
  enqueued: number;
  /** Connections whose sweep stopped (revoked key, Stripe down): their watermark stays. */
  failed: number;
  /** Events that could not be enqueued: recorded `failed` in the ledger, counted, skipped. */
  failedEvents: number;
}

/** How far back the first sweep of a connection looks, and how much each sweep re-checks behind its watermark. */
export const firstSweepLookbackSeconds = 3 * 86_400;
export const sweepOverlapSeconds = 3_600;

type HealOutcome = 'seen' | 'enqueued' | 'failed';

/** What became of one listed event, and when it reached us (ledger's `receivedAt`, or now if the sweep sent it). */
interface Healed {
  outcome: HealOutcome;
  receivedAt: string | null;
}

/** What the ledger keys an event by (its subject, `created` and id), read from an event as Stripe lists it. */
function ledgerRef(listed: Stripe.Event) {
  const object = listed.data.object as { id?: unknown };
  return {
    eventId: listed.id,
    created: listed.created,
    objectId: typeof object.id === 'string' ? object.id : '',
    paymentId: relatedPaymentId(listed as unknown as StripeEvent),
  };
}

/**
 * Refusals that belong to one event, not to the queue: a shape our contract refuses, or SQS refusing the message
 * itself (its characters, its size). Anything else (throttling, access, an outage) would fail every event alike, so
 * it stops the connection's sweep and keeps its watermark instead of marking good events failed.
 */
const eventFaults: ReadonlySet<string> = new Set([
  'ZodError',
  'InvalidMessageContents',
  'InvalidParameterValue',
  'InvalidParameterValueException',
]);

function isEventFault(error: unknown): boolean {
  // SQS names its errors with or without its query-protocol prefix (`AWS.SimpleQueueService.InvalidParameterValue`).
  return error instanceof Error && eventFaults.has(error.name.split('.').at(-1) ?? '');
}

/**
 * One listed event: skipped when no worker handles its type or the ledger has it, else enqueued as if delivered.
 * An event the queue refuses (its shape, its size, its characters) is recorded `failed` in the ledger
 * with its reason and counted, so that support sees it and the sweep goes on with the others.
 */
async function healEvent(
  deps: SweepDeps,
  connection: ConnectionEntry,
  listed: Stripe.Event,
): Promise<Healed> {
  const { clinicId, mode } = connection;
  if (!queueForEventType(listed.type)) return { outcome: 'seen', receivedAt: null };
  const ref = ledgerRef(listed);
  const check = await deps.ledger.has(clinicId, mode, ref);
  if (check.settled) return { outcome: 'seen', receivedAt: check.receivedAt };
  const receivedAt = deps.now();
  try {
    const event = stripeEventSchema.parse(listed);
    await enqueueEvent(deps.queue, { clinicId, mode, event, receivedAt });
    deps.metrics.count(metricNames.sweepHealed, { mode }, { clinicId, eventId: listed.id });
    return { outcome: 'enqueued', receivedAt: check.receivedAt ?? receivedAt.toISOString() };
  } catch (error) {
    if (!isEventFault(error)) throw error;
    const reason = `${sweepRefusedReason}: ${failureReason(error)}`.slice(0, 300);
    deps.metrics.count(metricNames.sweepFailed, { mode }, { clinicId, eventId: listed.id });
    deps.logger.error('sweep could not enqueue an event', {
      clinicId,
      mode,
      eventId: listed.id,
      type: listed.type,
      error,
    });
    await deps.ledger
      .record({
        clinicId,
        mode,
        ...ref,
        type: listed.type,
        receivedAt: receivedAt.toISOString(),
        outcome: 'failed',
        reason,
      })
      // Without its ledger entry the event is tried again by the sweeps that still overlap it: nothing is lost.
      .catch((ledgerError: unknown) =>
        deps.logger.error('ledger write failed', { clinicId, mode, eventId: listed.id, error: ledgerError }),
      );
    return { outcome: 'failed', receivedAt: check.receivedAt ?? receivedAt.toISOString() };
  }
}

/** One connection's sweep: events enqueued, events recorded failed, and events it could not check (checked again). */
interface ConnectionSweep {
  enqueued: number;
  failedEvents: number;
  unchecked: number;
}

async function sweepConnection(deps: SweepDeps, connection: ConnectionEntry): Promise<ConnectionSweep> {
  const counts: ConnectionSweep = { enqueued: 0, failedEvents: 0, unchecked: 0 };
  const secretKey = (await deps.secrets.get(connection.clinicId))?.[connection.mode]?.secretKey;
  if (!secretKey) return counts;
  const now = Math.floor(deps.now().getTime() / 1000);
  const to = now - deps.settleSeconds;
  const from =
    connection.sweptUntil === null
      ? now - firstSweepLookbackSeconds
      : connection.sweptUntil - sweepOverlapSeconds;
  // The watermark may pass only events that were checked: it stops at the earliest one that was not.
  let watermark = to;
  // Connection health's "last event received": that of the newest event (by `created`) that reached us.
  let newest: { created: number; receivedAt: string } | null = null;
  for await (const listed of deps.events.eventsBetween(secretKey, from, to)) {
    try {
      const { outcome, receivedAt } = await healEvent(deps, connection, listed);
      if (outcome === 'enqueued') counts.enqueued++;
      if (outcome === 'failed') counts.failedEvents++;
      if (receivedAt !== null && (newest === null || listed.created >= newest.created)) {
        newest = { created: listed.created, receivedAt };
      }
    } catch (error) {
      // A failed look-up or send (a throttled table or queue) must not stop the others from healing; this one is
      // checked again by the next sweep, since the watermark stays before it.
      counts.unchecked++;
      watermark = Math.min(watermark, listed.created);
      deps.logger.warn('sweep could not check an event; the next sweep will', {
        clinicId: connection.clinicId,
        mode: connection.mode,
        eventId: listed.id,
        error,
      });
    }
  }
  // One write per connection and sweep, only when it healed something.
  if (counts.enqueued > 0) {
    await deps.healthCounters.add(
      connection.clinicId,
      connection.mode,
      'missed_events',
      counts.enqueued,
      deps.now(),
    );
  }
  // An event recorded failed is skipped for good (the watermark moves past it); an unchecked one holds it back.
  await deps.connections.markSwept(
    connection.clinicId,
    connection.mode,
    watermark,
    newest?.receivedAt ?? null,
  );
  return counts;
}

/**
 * Missed webhooks heal by themselves: for every connected clinic and mode, the events Stripe lists (kept 30 days)
 * since the last sweep are checked against the ledger, and those no worker has seen are enqueued as if delivered
 * (counted `SweepHealedEvents`). An endpoint outage, a disabled endpoint or a lost delivery is caught at the next
 * sweep; an event that is merely in flight is enqueued twice at worst, which the workers recognise as a duplicate.
 * An event that cannot be enqueued is recorded failed (ledger, `SweepFailedEvents`) and skipped.
 */
export async function sweepMissedEvents(deps: SweepDeps): Promise<SweepResult> {
  const result: SweepResult = { connections: 0, enqueued: 0, failed: 0, failedEvents: 0 };
  for await (const connection of deps.connections.list()) {
    result.connections++;
    try {
      const counts = await sweepConnection(deps, connection);
      result.enqueued += counts.enqueued;
      result.failedEvents += counts.failedEvents;
      // Not wholly swept: some events could not be checked (they are, next time).
      if (counts.unchecked > 0) result.failed++;
    } catch (error) {
      // One clinic's revoked key or Stripe outage must not stop the sweep of the others; its watermark stays.
      result.failed++;
      deps.logger.error('sweep failed for a connection', {
        clinicId: connection.clinicId,
        mode: connection.mode,
        error,
      });
    }
  }
  deps.logger.info('missed-event sweep done', { ...result });
  return result;
}
