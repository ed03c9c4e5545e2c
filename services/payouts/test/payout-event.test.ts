import type { StripeEvent } from '@basis/shared';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fixtureEvent } from '../../../test/support/fixtures.ts';
import type { PayoutRecord } from '../src/domain/payout.ts';
import { applyPayoutEvent, payoutFacts } from '../src/domain/payout-event.ts';
import { needsReconciliation } from '../src/domain/reconciliation.ts';

const context = { clinicId: 'clinic_1', mode: 'test' as const, now: new Date('2026-11-26T12:00:00Z') };

type Fixture = 'payout.created' | 'payout.paid' | 'payout.failed' | 'payout.reconciliation_completed';

function event(
  type: Fixture | 'payout.updated' | 'payout.canceled',
  id: string,
  created: number,
  changes: Record<string, unknown> = {},
): StripeEvent {
  const fixture: Fixture =
    type === 'payout.updated' || type === 'payout.canceled' ? 'payout.created' : (type as Fixture);
  const base = fixtureEvent(fixture) as unknown as StripeEvent;
  const status = type === 'payout.canceled' ? { status: 'canceled' } : {};
  return {
    ...base,
    id,
    type,
    created,
    data: { ...base.data, object: { ...base.data.object, ...status, ...changes } },
  };
}

/** Applies events in order as the worker does; returns the record and each outcome. */
function run(events: readonly StripeEvent[]) {
  let record: PayoutRecord | undefined;
  const outcomes: string[] = [];
  for (const item of events) {
    const decision = applyPayoutEvent(record, payoutFacts(item), context);
    outcomes.push(decision.outcome);
    if (decision.outcome === 'applied') record = decision.record;
  }
  return { record, outcomes };
}

/** What a reader can see: everything but bookkeeping that legitimately depends on arrival order. */
function visible(record: PayoutRecord | undefined) {
  if (!record) return undefined;
  const { appliedEventIds: _ids, version: _version, updatedAt: _updated, ...rest } = record;
  return rest;
}

/** Delivers `story` in the given order with extra copies of some events spliced in. */
function deliveries(
  story: readonly StripeEvent[],
  order: readonly StripeEvent[],
  repeats: readonly number[],
) {
  const result = [...order];
  for (const index of repeats) result.splice(index % (result.length + 1), 0, story[index] as StripeEvent);
  return result;
}

// As the simulator and Stripe send them: all in the same second, so only the payloads can order them.
const paidStory = [
  event('payout.created', 'evt_c', 100),
  event('payout.paid', 'evt_p', 100),
  event('payout.reconciliation_completed', 'evt_r', 100),
];
const failedStory = [
  event('payout.created', 'evt_c', 100),
  event('payout.updated', 'evt_u', 101, { arrival_date: 1785664800 }),
  event('payout.paid', 'evt_p', 102),
  event('payout.reconciliation_completed', 'evt_r', 103),
  event('payout.failed', 'evt_f', 104, { reconciliation_status: 'completed' }),
];

describe('applying payout events to a payout record', () => {
  it('creates the record from the first event', () => {
    const { record } = run([event('payout.created', 'evt_c', 100)]);
    expect(record).toMatchObject({
      clinicId: 'clinic_1',
      mode: 'test',
      payoutId: 'po_1Pgc79B7WZ01zgkWu1KToYf4',
      amount: 1037,
      currency: 'usd',
      status: 'pending',
      automatic: true,
      arrivalDate: '2026-08-01T10:00:00.000Z',
      stripeReconciliationStatus: 'in_progress',
      failure: null,
      reconciliation: { status: 'pending', cursor: null, pages: 0, itemCount: 0 },
      version: 1,
    });
  });

  it('applies an event once: a repeat is a duplicate and costs no write', () => {
    const paid = event('payout.paid', 'evt_p', 100);
    const { record, outcomes } = run([paid, paid, paid]);
    expect(outcomes).toEqual(['applied', 'duplicate', 'duplicate']);
    expect(record?.version).toBe(1);
  });

  it('never lets a late pending or updated snapshot regress a paid payout', () => {
    const { record, outcomes } = run([
      event('payout.paid', 'evt_p', 100),
      event('payout.created', 'evt_c', 100),
      event('payout.updated', 'evt_u', 200, { arrival_date: 1 }),
    ]);
    expect(outcomes).toEqual(['applied', 'stale', 'stale']);
    expect(record?.status).toBe('paid');
    expect(record?.arrivalDate).toBe('2026-08-01T10:00:00.000Z');
  });

  it('lets a paid payout still turn failed, with the failure, and never back', () => {
    const { record, outcomes } = run([
      event('payout.failed', 'evt_f', 300),
      event('payout.paid', 'evt_p', 200),
      event('payout.created', 'evt_c', 100),
    ]);
    expect(outcomes).toEqual(['applied', 'stale', 'stale']);
    expect(record).toMatchObject({
      status: 'failed',
      failure: { code: 'account_closed', message: expect.any(String) },
    });
  });

  it('takes Stripe’s reconciliation status as the highest seen, even from an older snapshot', () => {
    const { record, outcomes } = run([
      event('payout.failed', 'evt_f', 300),
      event('payout.reconciliation_completed', 'evt_r', 200),
    ]);
    expect(outcomes).toEqual(['applied', 'applied']);
    expect(record).toMatchObject({ status: 'failed', stripeReconciliationStatus: 'completed' });
  });

  it('keeps a later snapshot of the same rank (a changed arrival date)', () => {
    const { record } = run([
      event('payout.updated', 'evt_u', 101, { arrival_date: 1785664800 }),
      event('payout.created', 'evt_c', 100),
    ]);
    expect(record?.arrivalDate).toBe('2026-08-02T10:00:00.000Z');
  });

  it('carries the reconciliation progress over untouched', () => {
    const { record } = run([event('payout.paid', 'evt_p', 100)]);
    const progressed = {
      ...(record as PayoutRecord),
      reconciliation: {
        status: 'in_progress' as const,
        cursor: 'txn_1',
        pages: 1,
        itemCount: 3,
        startedAt: '2026-11-26T12:00:00.000Z',
        completedAt: null,
      },
    };
    const decision = applyPayoutEvent(
      progressed,
      payoutFacts(event('payout.reconciliation_completed', 'evt_r', 100)),
      context,
    );
    expect(decision.outcome === 'applied' && decision.record.reconciliation).toEqual(
      progressed.reconciliation,
    );
  });

  it('asks for reconciliation only once the payout is paid and Stripe has reconciled it', () => {
    expect(needsReconciliation(run(paidStory.slice(0, 2)).record as PayoutRecord)).toBe(false);
    expect(needsReconciliation(run(paidStory).record as PayoutRecord)).toBe(true);
    const manual = run([
      event('payout.paid', 'evt_p', 100, { automatic: false, reconciliation_status: 'not_applicable' }),
    ]);
    expect(needsReconciliation(manual.record as PayoutRecord)).toBe(false);
  });

  for (const [name, story, status] of [
    ['paid', paidStory, 'paid'],
    ['paid, then failed', failedStory, 'failed'],
  ] as const) {
    it(`ends in the same record for every order and repetition of a ${name} payout’s events`, () => {
      const reference = visible(run(story).record);
      expect(reference?.status).toBe(status);
      expect(reference?.stripeReconciliationStatus).toBe('completed');
      fc.assert(
        fc.property(
          fc.shuffledSubarray([...story], { minLength: story.length, maxLength: story.length }),
          fc.array(fc.nat({ max: story.length - 1 }), { maxLength: 10 }),
          (order, repeats) => {
            const { record, outcomes } = run(deliveries(story, order, repeats));
            expect(visible(record)).toEqual(reference);
            // Every distinct event is written at most once.
            expect(outcomes.filter((outcome) => outcome === 'applied').length).toBeLessThanOrEqual(
              story.length,
            );
          },
        ),
        { numRuns: 3000 },
      );
    });
  }

  it('ends in the same record for any order of arbitrary payout snapshots', () => {
    const snapshot = fc.record({
      type: fc.constantFrom<Fixture | 'payout.updated' | 'payout.canceled'>(
        'payout.created',
        'payout.updated',
        'payout.paid',
        'payout.failed',
        'payout.reconciliation_completed',
        'payout.canceled',
      ),
      created: fc.integer({ min: 100, max: 103 }),
      arrival: fc.integer({ min: 1785578400, max: 1785578403 }),
    });
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.tuple(fc.nat({ max: 999 }), snapshot), {
          minLength: 1,
          maxLength: 7,
          selector: ([id]) => id,
        }),
        fc.infiniteStream(fc.nat()),
        (entries, randomness) => {
          const story = entries.map(([id, item]) =>
            event(item.type, `evt_${id}`, item.created, { arrival_date: item.arrival }),
          );
          const reference = visible(run(story).record);
          const shuffled = [...story, ...story.slice(0, 2)]
            .map((item) => ({ item, key: randomness.next().value as number }))
            .sort((a, b) => a.key - b.key)
            .map(({ item }) => item);
          expect(visible(run(shuffled).record)).toEqual(reference);
        },
      ),
      { numRuns: 3000 },
    );
  });
});
