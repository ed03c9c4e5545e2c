import type { ConnectionEntry, ConnectionRegistry, HealthCounters } from '@basis/connect';
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
  /** What the sweep healed, per clinic and mode: connection health's `missed_events`. */
  healthCounters: Pick<HealthCounters, 'add'>;
}

/** How far back the first sweep of a connection looks, and how much each sweep re-checks behind its watermark. */
export const firstSweepLookbackSeconds = 3 * 86_400;
export const sweepOverlapSeconds = 3_600;

async function sweepConnection(deps: SweepDeps, connection: ConnectionEntry): Promise<number> {
  const secretKey = (await deps.secrets.get(connection.clinicId))?.[connection.mode]?.secretKey;
  if (!secretKey) return 0;
  const now = Math.floor(deps.now().getTime() / 1000);
  const to = now - deps.settleSeconds;
  const from =
    connection.sweptUntil === null
      ? now - firstSweepLookbackSeconds
      : connection.sweptUntil - sweepOverlapSeconds;
  let enqueued = 0;
  for await (const listed of deps.events.eventsBetween(secretKey, from, to)) {
    if (!queueForEventType(listed.type)) continue;
    const event = stripeEventSchema.parse(listed);
    if (await deps.ledger.has(connection.clinicId, connection.mode, event.created, event.id)) continue;
    await enqueueEvent(deps.queue, {
      clinicId: connection.clinicId,
      mode: connection.mode,
      event,
      receivedAt: deps.now(),
    });
    enqueued++;
  }
  // One write per connection and sweep, only when it healed something.
  if (enqueued > 0) {
    await deps.healthCounters.add(
      connection.clinicId,
      connection.mode,
      'missed_events',
      enqueued,
      deps.now(),
    );
  }
  await deps.connections.markSwept(connection.clinicId, connection.mode, to);
  return enqueued;
}

/**
 * Missed webhooks heal by themselves: for every connected clinic and mode, the events Stripe lists (kept 30 days)
 * since the last sweep are checked against the ledger, and those no worker has seen are enqueued as if delivered.
 * An endpoint outage, a disabled endpoint or a lost delivery is caught at the next sweep; an event that is merely
 * in flight is enqueued twice at worst, which the workers recognise as a duplicate.
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
      enqueued += await sweepConnection(deps, connection);
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
