import type { ConnectionRegistry } from '@basis/connect';
import { type EventLedger, type EventQueue, noMetrics, type SecretStore } from '@basis/shared';
import type Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../../test/support/test-stack.ts';
import { type SweepDeps, sweepMissedEvents } from '../src/use-cases/sweep-missed-events.ts';

const now = new Date('2026-11-29T12:00:00Z');
const nowSeconds = now.getTime() / 1000;

function listedEvent(index: number): Stripe.Event {
  // Every third event is a refund's: the ledger files it under its payment.
  const object =
    index % 3 === 2
      ? { id: `re_${index}`, object: 'refund', payment_intent: `pi_${index}` }
      : { id: `pi_${index}`, object: 'payment_intent' };
  return {
    id: `evt_${index}`,
    object: 'event',
    type: index % 3 === 2 ? 'refund.created' : 'payment_intent.succeeded',
    created: nowSeconds - 1000 + index,
    livemode: false,
    api_version: '2026-10-28.endive',
    pending_webhooks: 0,
    request: { id: null, idempotency_key: null },
    data: { object },
  } as unknown as Stripe.Event;
}

/** A sweep of one connection over `count` missed events, where the ledger look-up of the events in `failing` throws. */
function sweepWith(count: number, failing: ReadonlySet<string>, settled: ReadonlySet<string> = new Set()) {
  const enqueued: string[] = [];
  const watermarks: number[] = [];
  const lastReceived: Array<string | null> = [];
  const lookedUp: Array<{ eventId: string; subject: string | null }> = [];
  const connections: ConnectionRegistry = {
    add: async () => {},
    remove: async () => {},
    async *list() {
      yield { clinicId: 'clinic_1', mode: 'test', sweptUntil: null };
    },
    markSwept: async (_clinicId, _mode, until, lastEventReceivedAt) => {
      watermarks.push(until);
      lastReceived.push(lastEventReceivedAt);
    },
  };
  const secrets: SecretStore = {
    get: async () => ({ clinicId: 'clinic_1', test: { secretKey: 'sk_test_sweep' } }) as never,
    put: async () => {},
    delete: async () => {},
  };
  const ledger: EventLedger = {
    record: async () => {},
    has: async (_clinicId, _mode, { eventId, paymentId }) => {
      lookedUp.push({ eventId, subject: paymentId });
      // A throttled DynamoDB read, as the SDK surfaces it once its own retries are spent.
      if (failing.has(eventId)) throw Object.assign(new Error('throttled'), { name: 'ThrottlingException' });
      return settled.has(eventId)
        ? { settled: true, receivedAt: `received ${eventId}` }
        : { settled: false, receivedAt: null };
    },
    list: async () => ({ data: [], nextCursor: null }),
  };
  const queue: EventQueue = {
    send: async (_queue, message) => {
      enqueued.push((message as { event: { id: string } }).event.id);
    },
  };
  const deps: SweepDeps = {
    connections,
    secrets,
    ledger,
    events: {
      async *eventsBetween() {
        // Newest first, as Stripe lists them.
        for (let index = count - 1; index >= 0; index--) yield listedEvent(index);
      },
      event: () => Promise.reject(new Error('the sweep lists events; it never reads one by id')),
    },
    queue,
    healthCounters: { add: async () => {} } as unknown as SweepDeps['healthCounters'],
    logger: silentLogger(),
    metrics: noMetrics,
    now: () => now,
    settleSeconds: 0,
  };
  return { run: () => sweepMissedEvents(deps), enqueued, watermarks, lastReceived, lookedUp };
}

describe('the missed-event sweep under a failing DynamoDB', () => {
  it('heals every other missed event when one event’s ledger look-up fails, and reports the connection failed', async () => {
    const sweep = sweepWith(50, new Set(['evt_30']));
    const result = await sweep.run();
    expect(result).toEqual({ connections: 1, enqueued: 49, failed: 1, failedEvents: 0 });
    expect(sweep.enqueued).not.toContain('evt_30');
    expect(new Set(sweep.enqueued).size).toBe(49);
  });

  it('advances its watermark only up to the earliest event it could not check, so the next sweep checks it again', async () => {
    const sweep = sweepWith(50, new Set(['evt_30', 'evt_12']));
    await sweep.run();
    expect(sweep.watermarks).toEqual([listedEvent(12).created]);
    const clean = sweepWith(50, new Set());
    await clean.run();
    expect(clean.watermarks).toEqual([nowSeconds]);
  });

  it("looks events up under their payment and keeps the newest one's receipt for connection health", async () => {
    const sweep = sweepWith(6, new Set(), new Set(['evt_1', 'evt_2']));
    await sweep.run();
    expect(sweep.lookedUp.find((look) => look.eventId === 'evt_2')).toEqual({
      eventId: 'evt_2',
      subject: 'pi_2',
    });
    // evt_5 (the newest) was enqueued by the sweep itself: it reached us now.
    expect(sweep.lastReceived).toEqual([now.toISOString()]);
    const allSeen = sweepWith(3, new Set(), new Set(['evt_0', 'evt_1', 'evt_2']));
    await allSeen.run();
    expect(allSeen.lastReceived).toEqual(['received evt_2']);
    const none = sweepWith(0, new Set());
    await none.run();
    expect(none.lastReceived).toEqual([null]);
  });
});
