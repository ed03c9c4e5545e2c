import type { ConnectionEntry, ConnectionRegistry } from '@basis/connect';
import {
  type EventLedger,
  type EventQueue,
  type Logger,
  queueForEventType,
  type SecretStore,
  stripeEventSchema,
} from '@basis/shared';
import type { EventsGateway } from '../adapters/stripe-events-gateway.ts';
import { enqueueEvent } from './enqueue-event.ts';

export interface SweepDeps {
  connections: ConnectionRegistry;
  secrets: SecretStore;
  ledger: EventLedger;
  events: EventsGateway;
  queue: EventQueue;
  logger: Logger;
  now: () => Date;
  /** Events younger than this are left to their normal delivery (and Stripe's retries). */
  settleSeconds: number;
}

/** How far back the first sweep of a connection looks, and how much each sweep re-checks behind its watermark. */
export const firstSweepLookbackSeconds = 3 * 86_400;
export const sweepOverlapSeconds = 3_600;

/** One connection's sweep: events enqueued, and events that could not be checked or enqueued (left for the next). */
interface ConnectionSweep {
  enqueued: number;
  failed: number;
}

async function sweepConnection(deps: SweepDeps, connection: ConnectionEntry): Promise<ConnectionSweep> {
  const secretKey = (await deps.secrets.get(connection.clinicId))?.[connection.mode]?.secretKey;
  if (!secretKey) return { enqueued: 0, failed: 0 };
  const now = Math.floor(deps.now().getTime() / 1000);
  const to = now - deps.settleSeconds;
  const from =
    connection.sweptUntil === null
      ? now - firstSweepLookbackSeconds
      : connection.sweptUntil - sweepOverlapSeconds;
  let enqueued = 0;
  let failed = 0;
  // The watermark may pass only events that were checked: it stops at the earliest one that was not.
  let watermark = to;
  for await (const listed of deps.events.eventsBetween(secretKey, from, to)) {
    if (!queueForEventType(listed.type)) continue;
    const event = stripeEventSchema.parse(listed);
    try {
      if (await deps.ledger.has(connection.clinicId, connection.mode, event.created, event.id)) continue;
      await enqueueEvent(deps.queue, {
        clinicId: connection.clinicId,
        mode: connection.mode,
        event,
        receivedAt: deps.now(),
      });
      enqueued++;
    } catch (error) {
      // One event's failed look-up or send (a throttled table or queue) must not stop the others from healing: with
      // thousands of events a sweep, a few failed calls would otherwise stop every sweep of the connection.
      failed++;
      watermark = Math.min(watermark, event.created);
      deps.logger.warn('sweep could not check an event; the next sweep will', {
        clinicId: connection.clinicId,
        mode: connection.mode,
        eventId: event.id,
        error,
      });
    }
  }
  await deps.connections.markSwept(connection.clinicId, connection.mode, watermark);
  return { enqueued, failed };
}

/**
 * Missed webhooks heal by themselves: for every connected clinic and mode, the events Stripe lists (kept 30 days)
 * since the last sweep are checked against the ledger, and those no worker has settled are enqueued as if delivered.
 * An endpoint outage, a disabled endpoint or a lost delivery is caught at the next sweep; an event that is merely
 * in flight is enqueued twice at worst, which the workers recognise as a duplicate. `failed` counts connections
 * not wholly swept (Stripe unreachable, or some events could not be checked: those are checked again next time).
 */
export async function sweepMissedEvents(
  deps: SweepDeps,
): Promise<{ connections: number; enqueued: number; failed: number }> {
  let connections = 0;
  let enqueued = 0;
  let failed = 0;
  for await (const connection of deps.connections.list()) {
    connections++;
    try {
      const swept = await sweepConnection(deps, connection);
      enqueued += swept.enqueued;
      if (swept.failed > 0) failed++;
    } catch (error) {
      // One clinic's revoked key or Stripe outage must not stop the sweep of the others; its watermark stays.
      failed++;
      deps.logger.error('sweep failed for a connection', {
        clinicId: connection.clinicId,
        mode: connection.mode,
        error,
      });
    }
  }
  deps.logger.info('missed-event sweep done', { connections, enqueued, failed });
  return { connections, enqueued, failed };
}
