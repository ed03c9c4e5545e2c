import { deepStrictEqual } from 'node:assert/strict';
import type { StripeEvent } from '@basis/shared';
import fc from 'fast-check';
import { fixtureEvent } from '../../../test/support/fixtures.ts';
import type { PaymentRecord } from '../src/domain/payment.ts';
import { applyPaymentIntentEvent, paymentIntentFacts } from '../src/domain/payment-intent-event.ts';

/**
 * The payments worker's order and repetition independence, as properties with the number of runs as a parameter:
 * `payment-intent-event.test.ts` runs them with a few thousand cases in `npm test`, and `npm run bench:properties`
 * with tens of thousands. Each `check` throws (fast-check's report, with the seed and the shrunk counterexample) when
 * the property fails.
 */
export interface OrderProperty {
  name: string;
  check(numRuns: number, seed?: number): void;
}

const context = { clinicId: 'clinic_1', mode: 'test' as const, now: new Date('2026-11-26T12:00:00Z') };
const metadata = { booking_id: 'bk_1', service_id: 'svc_1', client_id: 'cl_1' };

export type PaymentIntentFixture =
  | 'payment_intent.succeeded'
  | 'payment_intent.payment_failed'
  | 'payment_intent.processing'
  | 'payment_intent.requires_action'
  | 'payment_intent.canceled';

/** Stripe's fixture event of `type`, with the given id, `created` (Unix seconds) and PaymentIntent metadata. */
export function paymentIntentEvent(
  type: PaymentIntentFixture,
  id: string,
  created: number,
  meta: Record<string, string> = metadata,
): StripeEvent {
  const base = fixtureEvent(type) as unknown as StripeEvent;
  return { ...base, id, created, data: { ...base.data, object: { ...base.data.object, metadata: meta } } };
}

/**
 * Applies events in order as the worker does; returns the record and each outcome. Where the payloads cannot be
 * ordered, the worker reads the PaymentIntent from Stripe: `stripeNow` plays that answer (Stripe's state now, the
 * same whatever order the events were delivered in).
 */
export function applyInOrder(events: readonly StripeEvent[], stripeNow?: StripeEvent) {
  let record: PaymentRecord | undefined;
  const outcomes: string[] = [];
  for (const item of events) {
    const facts = paymentIntentFacts(item);
    let decision = applyPaymentIntentEvent(record, facts, context);
    if (decision.outcome === 'ambiguous') {
      if (!stripeNow) throw new Error('ambiguous without a Stripe answer');
      const live = paymentIntentFacts(stripeNow).paymentIntent;
      decision = applyPaymentIntentEvent(
        record,
        { ...facts, paymentIntent: live, authoritative: true },
        context,
      );
      outcomes.push('re-read');
    }
    outcomes.push(decision.outcome);
    if (decision.outcome === 'applied') record = decision.record;
  }
  return { record, outcomes };
}

/** The event whose snapshot is Stripe's state now: the latest, the most advanced within a second. */
export function latestOf(events: readonly StripeEvent[]): StripeEvent {
  const rank = (e: StripeEvent) =>
    [
      'payment_intent.payment_failed',
      'payment_intent.requires_action',
      'payment_intent.processing',
      'payment_intent.succeeded',
    ].indexOf(e.type);
  return [...events]
    .sort((a, b) => a.created - b.created || rank(a) - rank(b) || a.id.localeCompare(b.id))
    .at(-1) as StripeEvent;
}

/**
 * What a reader can see: everything but bookkeeping that legitimately depends on arrival order (which events were
 * seen, how many writes, and whether an event or a read from Stripe set the status).
 */
export function visible(record: PaymentRecord | undefined) {
  if (!record) return undefined;
  const {
    appliedEventIds: _ids,
    version: _version,
    updatedAt: _updated,
    statusSource: _source,
    ...rest
  } = record;
  return rest;
}

// A story with events in the same second (ties) and a stale failure before success.
const story = [
  paymentIntentEvent('payment_intent.payment_failed', 'evt_1', 100),
  paymentIntentEvent('payment_intent.requires_action', 'evt_2', 100),
  paymentIntentEvent('payment_intent.processing', 'evt_3', 101),
  paymentIntentEvent('payment_intent.payment_failed', 'evt_4', 101),
  paymentIntentEvent('payment_intent.succeeded', 'evt_5', 101),
];

const arbitraryTypes: PaymentIntentFixture[] = [
  'payment_intent.payment_failed',
  'payment_intent.requires_action',
  'payment_intent.processing',
  'payment_intent.succeeded',
];

export const paymentIntentProperties: readonly OrderProperty[] = [
  {
    name: 'ends in the same record for every order and repetition of one payment’s events',
    check(numRuns, seed) {
      const stripeNow = latestOf(story);
      const reference = visible(applyInOrder(story, stripeNow).record);
      deepStrictEqual(reference?.status, 'succeeded');
      fc.assert(
        fc.property(
          fc.shuffledSubarray(story, { minLength: story.length, maxLength: story.length }),
          fc.array(fc.nat({ max: story.length - 1 }), { maxLength: 10 }),
          (order, repeats) => {
            const deliveries = [...order];
            for (const index of repeats)
              deliveries.splice(index % (deliveries.length + 1), 0, story[index] as StripeEvent);
            deepStrictEqual(visible(applyInOrder(deliveries, stripeNow).record), reference);
          },
        ),
        { numRuns, ...(seed === undefined ? {} : { seed }) },
      );
    },
  },
  {
    name: 'ends in the same record for any order of arbitrary non-final and final events',
    check(numRuns, seed) {
      const arbitraryEvents = fc.uniqueArray(
        fc.record({
          type: fc.constantFrom(...arbitraryTypes),
          created: fc.integer({ min: 100, max: 103 }),
          n: fc.nat(1000),
        }),
        { minLength: 1, maxLength: 8, selector: (e) => e.n },
      );
      const eventsAndAnOrder = arbitraryEvents.chain((specs) =>
        fc.tuple(
          fc.constant(specs),
          fc.shuffledSubarray(specs, { minLength: specs.length, maxLength: specs.length }),
        ),
      );
      fc.assert(
        fc.property(eventsAndAnOrder, ([specs, order]) => {
          const toEvent = (spec: (typeof specs)[number]) =>
            paymentIntentEvent(spec.type, `evt_${spec.n}`, spec.created);
          const delivered = [...order, ...order.slice(0, 2)].map(toEvent);
          const stripeNow = latestOf(specs.map(toEvent));
          deepStrictEqual(
            visible(applyInOrder(delivered, stripeNow).record),
            visible(applyInOrder(specs.map(toEvent), stripeNow).record),
          );
        }),
        { numRuns, ...(seed === undefined ? {} : { seed }) },
      );
    },
  },
];
