import fc from 'fast-check';
import type Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { fixtureBytes } from '../../../test/support/fixtures.ts';
import { balanceTransactionFacts } from '../src/adapters/stripe-payouts-gateway.ts';
import type { BalanceTransactionFacts, PayoutRecord } from '../src/domain/payout.ts';
import {
  advanceReconciliation,
  itemsOfPage,
  itemTypeOf,
  reconciliationOf,
  toPayoutView,
  totalsOf,
} from '../src/domain/reconciliation.ts';

const payoutId = 'po_test_1';

function payout(changes: Partial<PayoutRecord> = {}): PayoutRecord {
  return {
    clinicId: 'clinic_1',
    mode: 'test',
    payoutId,
    amount: 0,
    currency: 'usd',
    status: 'paid',
    automatic: true,
    arrivalDate: '2026-08-01T10:00:00.000Z',
    createdAt: '2026-07-31T10:00:00.000Z',
    failure: null,
    stripeReconciliationStatus: 'completed',
    statusSource: { eventId: 'evt_p', created: 100, rank: 2 },
    appliedEventIds: ['evt_p'],
    reconciliation: {
      status: 'pending',
      cursor: null,
      pages: 0,
      itemCount: 0,
      startedAt: null,
      completedAt: null,
    },
    updatedAt: '2026-08-01T10:00:00.000Z',
    version: 1,
    ...changes,
  };
}

function transaction(
  id: string,
  type: string,
  amount: number,
  fee: number,
  source: BalanceTransactionFacts['source'],
  reportingCategory: string | null = type,
): BalanceTransactionFacts {
  return {
    id,
    type,
    reportingCategory,
    amount,
    fee,
    net: amount - fee,
    currency: 'usd',
    created: 100,
    source,
  };
}

const charge = (id: string, paymentIntentId: string | null) => ({
  id,
  object: 'charge',
  chargeId: id,
  paymentIntentId,
});

/** One of everything a payout can hold, as the simulator and Stripe list it (newest first). */
const page = [
  transaction('txn_payout', 'payout', -5000, 0, {
    id: payoutId,
    object: 'payout',
    chargeId: null,
    paymentIntentId: null,
  }),
  transaction(
    'txn_dispute',
    'adjustment',
    -2000,
    1500,
    { id: 'dp_1', object: 'dispute', chargeId: 'ch_3', paymentIntentId: 'pi_3' },
    'dispute',
  ),
  transaction('txn_refund', 'refund', -700, 0, {
    id: 're_1',
    object: 'refund',
    chargeId: 'ch_1',
    paymentIntentId: 'pi_1',
  }),
  transaction('txn_fee', 'stripe_fee', -200, 0, null, 'fee'),
  transaction('txn_dashboard', 'charge', 3000, 117, charge('ch_4', 'pi_dashboard')),
  transaction('txn_charge_3', 'charge', 2000, 88, charge('ch_3', 'pi_3')),
  transaction('txn_charge_1', 'charge', 5000, 175, charge('ch_1', 'pi_1')),
  transaction(
    'txn_failure',
    'payout_failure',
    4000,
    0,
    { id: 'po_old', object: 'payout', chargeId: null, paymentIntentId: null },
    'payout_reversal',
  ),
];
const known = new Map([
  ['pi_1', { bookingId: 'bk_1' }],
  ['pi_3', { bookingId: 'bk_3' }],
]);

describe('payout items from balance transactions', () => {
  it('joins each transaction to its payment, refund or dispute and keeps what Basis does not know', () => {
    const items = itemsOfPage(payout(), page, known);
    expect(items.map((item) => item.balanceTransactionId)).not.toContain('txn_payout');
    expect(
      items.map(
        ({ balanceTransactionId, type, paymentId, chargeId, refundId, disputeId, matched, bookingId }) => ({
          balanceTransactionId,
          type,
          paymentId,
          chargeId,
          refundId,
          disputeId,
          matched,
          bookingId,
        }),
      ),
    ).toEqual([
      {
        balanceTransactionId: 'txn_dispute',
        type: 'dispute',
        paymentId: 'pi_3',
        chargeId: 'ch_3',
        refundId: null,
        disputeId: 'dp_1',
        matched: true,
        bookingId: 'bk_3',
      },
      {
        balanceTransactionId: 'txn_refund',
        type: 'refund',
        paymentId: 'pi_1',
        chargeId: 'ch_1',
        refundId: 're_1',
        disputeId: null,
        matched: true,
        bookingId: 'bk_1',
      },
      {
        balanceTransactionId: 'txn_fee',
        type: 'fee',
        paymentId: null,
        chargeId: null,
        refundId: null,
        disputeId: null,
        matched: false,
        bookingId: null,
      },
      {
        balanceTransactionId: 'txn_dashboard',
        type: 'charge',
        paymentId: 'pi_dashboard',
        chargeId: 'ch_4',
        refundId: null,
        disputeId: null,
        matched: false,
        bookingId: null,
      },
      {
        balanceTransactionId: 'txn_charge_3',
        type: 'charge',
        paymentId: 'pi_3',
        chargeId: 'ch_3',
        refundId: null,
        disputeId: null,
        matched: true,
        bookingId: 'bk_3',
      },
      {
        balanceTransactionId: 'txn_charge_1',
        type: 'charge',
        paymentId: 'pi_1',
        chargeId: 'ch_1',
        refundId: null,
        disputeId: null,
        matched: true,
        bookingId: 'bk_1',
      },
      {
        balanceTransactionId: 'txn_failure',
        type: 'payout_failure',
        paymentId: null,
        chargeId: null,
        refundId: null,
        disputeId: null,
        matched: false,
        bookingId: null,
      },
    ]);
    expect(items.map((item) => item.position)).toEqual([0, 1, 2, 3, 4, 5, 6]);
  });

  it('numbers the items of a later page after those already stored', () => {
    const items = itemsOfPage(
      payout({ reconciliation: { ...payout().reconciliation, itemCount: 4 } }),
      page.slice(1, 3),
      known,
    );
    expect(items.map((item) => item.position)).toEqual([4, 5]);
  });

  it('classifies by reporting category where it says more than the type', () => {
    expect(itemTypeOf(transaction('t', 'adjustment', -1, 0, null, 'dispute_reversal'))).toBe(
      'dispute_reversal',
    );
    expect(itemTypeOf(transaction('t', 'adjustment', -1, 0, null, 'other_adjustment'))).toBe('adjustment');
    expect(itemTypeOf(transaction('t', 'payment_refund', -1, 0, null, 'refund'))).toBe('refund');
    expect(itemTypeOf(transaction('t', 'something_new', 1, 0, null, null))).toBe('other');
  });

  it('reads Stripe’s composed list for a payout: the payout’s own row is not an item, and it adds up', () => {
    const list = JSON.parse(
      fixtureBytes('composed_balance_transactions_list_by_payout.json').toString('utf8'),
    ) as {
      data: Stripe.BalanceTransaction[];
    };
    const record = payout({ payoutId: 'po_1Pgc79B7WZ01zgkWu1KToYf4', amount: 1037 });
    const items = itemsOfPage(record, list.data.map(balanceTransactionFacts), new Map());
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({
      type: 'charge',
      chargeId: 'ch_1PgafuB7WZ01zgkWXYmPNZs8',
      paymentId: null,
      gross: 1099,
      fee: 62,
      net: 1037,
    });
    const done = advanceReconciliation(
      record,
      { from: null, lastId: 'txn_1PgaxNB7WZ01zgkWEV3TLf40', hasMore: false, itemCount: 1 },
      new Date(),
    );
    const view = toPayoutView(done as PayoutRecord, items);
    expect(view).toMatchObject({
      totals: { gross: 1099, fee: 62, net: 1037 },
      difference: 0,
      reconciled: true,
    });
  });
});

describe('totals and the difference', () => {
  it('sums gross, fee and net; difference is the payout amount minus the nets', () => {
    const items = itemsOfPage(payout(), page, known);
    const totals = totalsOf(items);
    expect(totals).toEqual({ gross: 11100, fee: 1880, net: 9220 });
    const view = toPayoutView(
      payout({ amount: 9220, reconciliation: { ...payout().reconciliation, status: 'completed' } }),
      items,
    );
    expect(view.difference).toBe(0);
    expect(view.reconciled).toBe(true);
    const short = toPayoutView(
      payout({ amount: 9300, reconciliation: { ...payout().reconciliation, status: 'completed' } }),
      items,
    );
    expect(short).toMatchObject({ difference: 80, reconciled: false });
  });

  it('totals are the same however the items are split into pages', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ gross: fc.integer({ min: -100_000, max: 100_000 }), fee: fc.nat(5000) }), {
          maxLength: 30,
        }),
        fc.nat(30),
        (rows, cut) => {
          const items = rows.map((row) => ({ ...row, net: row.gross - row.fee }));
          const whole = totalsOf(items);
          const [a, b] = [totalsOf(items.slice(0, cut)), totalsOf(items.slice(cut))];
          expect({ gross: a.gross + b.gross, fee: a.fee + b.fee, net: a.net + b.net }).toEqual(whole);
          expect(whole.net).toBe(whole.gross - whole.fee);
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('reconciliation progress', () => {
  it('moves the cursor page by page and completes on the last page', () => {
    const now = new Date('2026-08-01T11:00:00Z');
    const first = advanceReconciliation(
      payout(),
      { from: null, lastId: 'txn_b', hasMore: true, itemCount: 2 },
      now,
    );
    expect(first?.reconciliation).toMatchObject({
      status: 'in_progress',
      cursor: 'txn_b',
      pages: 1,
      itemCount: 2,
    });
    expect(first?.version).toBe(2);
    const last = advanceReconciliation(
      first as PayoutRecord,
      { from: 'txn_b', lastId: 'txn_c', hasMore: false, itemCount: 1 },
      now,
    );
    expect(last?.reconciliation).toMatchObject({
      status: 'completed',
      cursor: 'txn_c',
      pages: 2,
      itemCount: 3,
      completedAt: now.toISOString(),
    });
  });

  it('counts a page once when two workers stored it: the second finds the cursor moved on', () => {
    const first = advanceReconciliation(
      payout(),
      { from: null, lastId: 'txn_b', hasMore: true, itemCount: 2 },
      new Date(),
    );
    expect(
      advanceReconciliation(
        first as PayoutRecord,
        { from: null, lastId: 'txn_b', hasMore: true, itemCount: 2 },
        new Date(),
      ),
    ).toBeUndefined();
  });

  it('shows a manual payout as unavailable, not as an error', () => {
    const manual = payout({ automatic: false, stripeReconciliationStatus: 'not_applicable', amount: 500 });
    expect(reconciliationOf(manual)).toEqual({ status: 'unavailable', reason: 'manual_payout' });
    expect(toPayoutView(manual, [])).toMatchObject({ reconciled: false, items: [], difference: 500 });
  });

  it('shows a payout that failed before Stripe reconciled it as unavailable, and never reconciled', () => {
    const failed = payout({ status: 'failed', stripeReconciliationStatus: 'in_progress' });
    expect(reconciliationOf(failed)).toEqual({ status: 'unavailable', reason: 'payout_failed' });
    const listedThenFailed = payout({
      status: 'failed',
      reconciliation: { ...payout().reconciliation, status: 'completed' },
    });
    expect(toPayoutView(listedThenFailed, []).reconciled).toBe(false);
  });

  it('waits for Stripe before listing', () => {
    expect(
      reconciliationOf(payout({ status: 'pending', stripeReconciliationStatus: 'in_progress' })),
    ).toEqual({
      status: 'pending',
      reason: 'awaiting_stripe_reconciliation',
    });
  });
});
