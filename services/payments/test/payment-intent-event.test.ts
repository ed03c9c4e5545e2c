import { describe, expect, it } from 'vitest';
import { applyPaymentIntentEvent, paymentIntentFacts } from '../src/domain/payment-intent-event.ts';
import {
  paymentIntentEvent as event,
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
});
