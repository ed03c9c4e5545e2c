import { deepStrictEqual, ok } from 'node:assert/strict';
import type { StripeEvent } from '@basis/shared';
import fc from 'fast-check';
import { fixtureEvent } from '../../../test/support/fixtures.ts';
import type { OrderProperty } from '../../payments/test/payment-intent-properties.ts';
import type { PayoutRecord } from '../src/domain/payout.ts';
import { applyPayoutEvent, payoutFacts } from '../src/domain/payout-event.ts';

/**
 * The payouts worker's order and repetition independence, as properties with the number of runs as a parameter:
 * `payout-event.test.ts` runs them with a few thousand cases in `npm test`, `npm run bench:properties` with tens of
 * thousands. Each `check` throws fast-check's report (seed, shrunk counterexample) when the property fails.
 */
const context = { clinicId: 'clinic_1', mode: 'test' as const, now: new Date('2026-11-26T12:00:00Z') };

export type PayoutFixture =
  | 'payout.created'
  | 'payout.paid'
  | 'payout.failed'
  | 'payout.reconciliation_completed';

/** Stripe's payout fixture event of `type` (updated and canceled are made from `payout.created`), with changes. */
export function payoutEvent(
  type: PayoutFixture | 'payout.updated' | 'payout.canceled',
  id: string,
  created: number,
  changes: Record<string, unknown> = {},
): StripeEvent {
  const fixture: PayoutFixture =
    type === 'payout.updated' || type === 'payout.canceled' ? 'payout.created' : (type as PayoutFixture);
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
export function applyInOrder(events: readonly StripeEvent[]) {
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
export function visible(record: PayoutRecord | undefined) {
  if (!record) return undefined;
  const { appliedEventIds: _ids, version: _version, updatedAt: _updated, ...rest } = record;
  return rest;
}

/** Delivers `story` in the given order with extra copies of some events spliced in. */
export function deliveries(
  story: readonly StripeEvent[],
  order: readonly StripeEvent[],
  repeats: readonly number[],
) {
  const result = [...order];
  for (const index of repeats) result.splice(index % (result.length + 1), 0, story[index] as StripeEvent);
  return result;
}

// As the simulator and Stripe send them: all in the same second, so only the payloads can order them.
export const paidStory = [
  payoutEvent('payout.created', 'evt_c', 100),
  payoutEvent('payout.paid', 'evt_p', 100),
  payoutEvent('payout.reconciliation_completed', 'evt_r', 100),
];
export const failedStory = [
  payoutEvent('payout.created', 'evt_c', 100),
  payoutEvent('payout.updated', 'evt_u', 101, { arrival_date: 1785664800 }),
  payoutEvent('payout.paid', 'evt_p', 102),
  payoutEvent('payout.reconciliation_completed', 'evt_r', 103),
  payoutEvent('payout.failed', 'evt_f', 104, { reconciliation_status: 'completed' }),
];

function storyProperty(
  name: string,
  story: readonly StripeEvent[],
  status: PayoutRecord['status'],
): OrderProperty {
  return {
    name: `ends in the same record for every order and repetition of a ${name} payout’s events`,
    check(numRuns, seed) {
      const reference = visible(applyInOrder(story).record);
      deepStrictEqual(reference?.status, status);
      deepStrictEqual(reference?.stripeReconciliationStatus, 'completed');
      fc.assert(
        fc.property(
          fc.shuffledSubarray([...story], { minLength: story.length, maxLength: story.length }),
          fc.array(fc.nat({ max: story.length - 1 }), { maxLength: 10 }),
          (order, repeats) => {
            const { record, outcomes } = applyInOrder(deliveries(story, order, repeats));
            deepStrictEqual(visible(record), reference);
            // Every distinct event is written at most once.
            ok(outcomes.filter((outcome) => outcome === 'applied').length <= story.length);
          },
        ),
        { numRuns, ...(seed === undefined ? {} : { seed }) },
      );
    },
  };
}

export const payoutProperties: readonly OrderProperty[] = [
  storyProperty('paid', paidStory, 'paid'),
  storyProperty('paid, then failed', failedStory, 'failed'),
  {
    name: 'ends in the same record for any order of arbitrary payout snapshots',
    check(numRuns, seed) {
      const snapshot = fc.record({
        type: fc.constantFrom<PayoutFixture | 'payout.updated' | 'payout.canceled'>(
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
              payoutEvent(item.type, `evt_${id}`, item.created, { arrival_date: item.arrival }),
            );
            const reference = visible(applyInOrder(story).record);
            const shuffled = [...story, ...story.slice(0, 2)]
              .map((item) => ({ item, key: randomness.next().value as number }))
              .sort((a, b) => a.key - b.key)
              .map(({ item }) => item);
            deepStrictEqual(visible(applyInOrder(shuffled).record), reference);
          },
        ),
        { numRuns, ...(seed === undefined ? {} : { seed }) },
      );
    },
  },
];
