import { describe, expect, it } from 'vitest';
import type { PayoutRecord } from '../src/domain/payout.ts';
import { applyPayoutEvent, payoutFacts } from '../src/domain/payout-event.ts';
import { needsReconciliation } from '../src/domain/reconciliation.ts';
import {
  payoutEvent as event,
  paidStory,
  payoutProperties,
  applyInOrder as run,
} from './payout-properties.ts';

/** Cases per property here; `npm run bench:properties` runs the same properties with many more. */
const numRuns = 3000;

const context = { clinicId: 'clinic_1', mode: 'test' as const, now: new Date('2026-11-26T12:00:00Z') };

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

  for (const property of payoutProperties) {
    it(property.name, () => property.check(numRuns));
  }
});
