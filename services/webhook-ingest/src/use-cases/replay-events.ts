import {
  type EventQueue,
  type Mode,
  type QueueName,
  requireModeSecrets,
  type SecretStore,
  type StripeEvent,
  stripeEventSchema,
  ValidationError,
} from '@basis/shared';
import type Stripe from 'stripe';
import type { EventsGateway } from '../adapters/stripe-events-gateway.ts';
import { enqueueEvent } from './enqueue-event.ts';

export interface ReplayDeps {
  secrets: SecretStore;
  events: EventsGateway;
  queue: EventQueue;
  now: () => Date;
}

/** What became of one replayed event: the queue it went to, or `ignored` for a type no worker handles. */
export interface ReplayedEvent {
  eventId: string;
  type: string;
  queue: QueueName | 'ignored';
}

/** Counts of a replayed window, reported as it goes. */
export interface ReplayProgress {
  listed: number;
  enqueued: number;
  ignored: number;
}

/**
 * Enqueues one event Stripe listed exactly as ingest enqueues a delivery, whatever the ledger says: a re-delivery of
 * an applied event is then recorded `duplicate` (or `stale`), never applied twice.
 */
async function replayListed(deps: ReplayDeps, clinicId: string, mode: Mode, listed: Stripe.Event) {
  if (listed.livemode !== (mode === 'live')) {
    throw new ValidationError(
      'mode',
      `Event ${listed.id} is a ${listed.livemode ? 'live' : 'test'}-mode event.`,
    );
  }
  const event: StripeEvent = stripeEventSchema.parse(listed);
  const queue = await enqueueEvent(deps.queue, { clinicId, mode, event, receivedAt: deps.now() });
  return { eventId: event.id, type: event.type, queue: queue ?? 'ignored' } satisfies ReplayedEvent;
}

/** Re-reads one event from Stripe's Events API with the clinic's key for the mode, and enqueues it. */
export async function replayEvent(
  deps: ReplayDeps,
  input: { clinicId: string; mode: Mode; eventId: string },
): Promise<ReplayedEvent> {
  const { secretKey } = await requireModeSecrets(deps.secrets, input.clinicId, input.mode);
  return replayListed(deps, input.clinicId, input.mode, await deps.events.event(secretKey, input.eventId));
}

/**
 * Re-lists a clinic's events created in [from, to] (Stripe keeps 30 days) and enqueues every one of a handled type,
 * oldest last as Stripe lists them (the workers do not depend on order). `onProgress` is called after each event.
 */
export async function replayEventRange(
  deps: ReplayDeps,
  input: { clinicId: string; mode: Mode; from: Date; to: Date },
  onProgress: (progress: ReplayProgress) => void = () => {},
): Promise<ReplayProgress> {
  if (!(input.from.getTime() <= input.to.getTime())) {
    throw new ValidationError('from', '--from must be a time before --to.');
  }
  const { secretKey } = await requireModeSecrets(deps.secrets, input.clinicId, input.mode);
  const progress: ReplayProgress = { listed: 0, enqueued: 0, ignored: 0 };
  const from = Math.floor(input.from.getTime() / 1000);
  const to = Math.floor(input.to.getTime() / 1000);
  for await (const listed of deps.events.eventsBetween(secretKey, from, to)) {
    const replayed = await replayListed(deps, input.clinicId, input.mode, listed);
    progress.listed++;
    if (replayed.queue === 'ignored') progress.ignored++;
    else progress.enqueued++;
    onProgress({ ...progress });
  }
  return progress;
}
