import type { StripeEvent } from '@basis/shared';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { PaymentRecord } from '../src/domain/payment.ts';
import { applyPaymentIntentEvent, paymentIntentFacts } from '../src/domain/payment-intent-event.ts';
import {
  paymentIntentEvent as event,
  type PaymentIntentFixture as Fixture,
  paymentIntentProperties,
  applyInOrder as run,
} from './payment-intent-properties.ts';

const context = { clinicId: 'clinic_1', mode: 'test' as const, now: new Date('2026-11-26T12:00:00Z') };

/** Cases per property here; `npm run bench:properties` runs the same properties with many more. */
const numRuns = 2000;

describe('applying PaymentIntent events to a payment record', () => {
  it('creates the record from the first event with the ids its metadata carries', () => {
    const { record } = run([event('payment_intent.succeeded', 'evt_a', 100)]);
    expect(record).toMatchObject({
      clinicId: 'clinic_1',
      mode: 'test',
      paymentId: 'pi_1PgafyB7WZ01zgkWSjxsAJo3',
      bookingId: 'bk_1',
      serviceId: 'svc_1',
      clientId: 'cl_1',
      amount: 1099,
      currency: 'usd',
      status: 'succeeded',
      chargeId: 'ch_1PgafuB7WZ01zgkWXYmPNZs8',
      failure: null,
      version: 1,
    });
  });

  it('records a payment made outside a booking with null ids', () => {
    const { record } = run([event('payment_intent.succeeded', 'evt_a', 100, {})]);
    expect(record).toMatchObject({ status: 'succeeded', bookingId: null, serviceId: null, clientId: null });
  });

  it('marks a declined payment failed with its code and message', () => {
    const { record } = run([event('payment_intent.payment_failed', 'evt_f', 100)]);
    expect(record?.status).toBe('failed');
    // The decline code is the more precise of Stripe's two codes (`card_declined` / `generic_decline`).
    expect(record?.failure).toEqual({ code: 'generic_decline', message: 'Your card was declined.' });
  });

  it('applies an event once: a repeat is a duplicate and changes nothing', () => {
    const first = event('payment_intent.succeeded', 'evt_a', 100);
    const { record, outcomes } = run([first, first, first, first, first]);
    expect(outcomes).toEqual(['applied', 'duplicate', 'duplicate', 'duplicate', 'duplicate']);
    expect(record?.version).toBe(1);
  });

  it('never lets a stale failure or a later non-final event regress a succeeded payment', () => {
    const { record, outcomes } = run([
      event('payment_intent.succeeded', 'evt_s', 100),
      event('payment_intent.payment_failed', 'evt_f', 99),
      event('payment_intent.processing', 'evt_p', 101),
    ]);
    expect(outcomes).toEqual(['applied', 'stale', 'stale']);
    expect(record?.status).toBe('succeeded');
    expect(record?.failure).toBeNull();
  });

  it('lets a retry after a failure win when it is later', () => {
    const { record } = run([
      event('payment_intent.payment_failed', 'evt_f', 100),
      event('payment_intent.requires_action', 'evt_r', 101),
    ]);
    expect(record?.status).toBe('requires_action');
    expect(record?.failure).toBeNull();
  });

  it('fills ids that an earlier event lacked without changing the status', () => {
    const { record, outcomes } = run([
      event('payment_intent.succeeded', 'evt_s', 100, {}),
      event('payment_intent.processing', 'evt_p', 99),
    ]);
    expect(outcomes).toEqual(['applied', 'applied']);
    expect(record).toMatchObject({ status: 'succeeded', bookingId: 'bk_1', clientId: 'cl_1' });
  });

  it('reads the PaymentIntent from Stripe when two snapshots of the same second disagree, and that answer decides', () => {
    const failed = event('payment_intent.payment_failed', 'evt_f', 100);
    const action = event('payment_intent.requires_action', 'evt_a', 100);
    const { record, outcomes } = run([failed, action], failed);
    expect(outcomes).toEqual(['applied', 're-read', 'applied']);
    expect(record?.status).toBe('failed');
    expect(record?.statusSource).toMatchObject({ created: 100, authoritative: true });
    // A later delivery of either snapshot of that second is now stale.
    expect(applyPaymentIntentEvent(record, paymentIntentFacts(action), context).outcome).toBe('duplicate');
    expect(
      run([failed, action, event('payment_intent.requires_action', 'evt_b', 100)], failed).record?.status,
    ).toBe('failed');
  });

  for (const property of paymentIntentProperties) {
    it(property.name, () => property.check(numRuns));
  }

  it('ends failed after a 3-D Secure failure in the second of its requires_action, whenever Stripe was read', () => {
    // Issue 11, example 7: created, requires_action and payment_failed all stamped the same second. A read from
    // Stripe made between requires_action and the failure must not outrank the later failure.
    const snapshot = (type: Fixture, id: string, error: Record<string, string> | null) => {
      const base = event(type, id, 100);
      const object = { ...base.data.object, status: 'requires_payment_method', last_payment_error: error };
      return { ...base, data: { ...base.data, object } } as StripeEvent;
    };
    const created = snapshot('payment_intent.payment_failed', 'evt_created', null);
    const action = event('payment_intent.requires_action', 'evt_action', 100);
    const failure = {
      code: 'payment_intent_authentication_failure',
      message: 'The provided PaymentMethod has failed authentication.',
      type: 'invalid_request_error',
    };
    const failed = snapshot('payment_intent.payment_failed', 'evt_failed', failure);
    // In the order Stripe made them: a read from Stripe sees the state after the last of them made so far.
    const emitted = [created, action, failed];
    fc.assert(
      fc.property(
        fc.shuffledSubarray([0, 1, 2], { minLength: 3, maxLength: 3 }),
        fc.array(fc.nat(2), { minLength: 6, maxLength: 6 }),
        (order, lags) => {
          let record: PaymentRecord | undefined;
          let newestDelivered = 0;
          let reads = 0;
          for (const index of order) {
            newestDelivered = Math.max(newestDelivered, index);
            const facts = paymentIntentFacts(emitted[index] as StripeEvent);
            let decision = applyPaymentIntentEvent(record, facts, context);
            if (decision.outcome === 'ambiguous') {
              // Stripe's state when read: at least as new as every delivered event, perhaps newer still.
              const seen = Math.min(2, newestDelivered + (lags[reads++] ?? 0));
              const live = paymentIntentFacts(emitted[seen] as StripeEvent).paymentIntent;
              decision = applyPaymentIntentEvent(
                record,
                { ...facts, paymentIntent: live, authoritative: true },
                context,
              );
            }
            expect(decision.outcome).not.toBe('ambiguous');
            if (decision.outcome === 'applied') record = decision.record;
          }
          expect(record?.status).toBe('failed');
          expect(record?.failure?.code).toBe('payment_intent_authentication_failure');
        },
      ),
      { numRuns: 500 },
    );
  });
});
