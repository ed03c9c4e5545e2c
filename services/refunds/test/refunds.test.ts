import { describe, expect, it } from 'vitest';
import { succeededPayment } from '../../../test/support/payment-record.ts';
import { applyRefundFact, planRefund, type RefundFact, refundableRemainder } from '../src/domain/refunds.ts';
import { bookOf, refundsOf, withRefundFact, withRequest } from './refund-book.ts';
import { refundFacts, refundProperties } from './refund-properties.ts';

/** Cases per property here; `npm run bench:properties` runs the same properties with many more. */
const numRuns = 2000;

const now = new Date('2026-11-26T12:00:00Z');

const payment = succeededPayment;

let keys = 0;
function request(
  overrides: Partial<Parameters<typeof planRefund>[2]> = {},
): Parameters<typeof planRefund>[2] {
  return {
    refundKey: undefined,
    amount: undefined,
    reason: null,
    requestedBy: 'staff_1',
    now,
    idempotencyKeyFor: (key) => `idem-${key}`,
    newRefundKey: () => `rf_${++keys}`,
    ...overrides,
  };
}

describe('planning a refund', () => {
  it('defaults to what remains, and counts pending refunds in the remainder', () => {
    const first = planRefund(payment(), undefined, request({ amount: 3000 }));
    if (first.kind !== 'new') throw new Error(first.kind);
    expect(first.refund).toMatchObject({
      amount: 3000,
      status: 'pending',
      refundId: null,
      idempotencyKey: `idem-${first.refund.refundKey}`,
    });
    expect(first.record.amountRefundPending).toBe(3000);
    expect(refundableRemainder(first.record)).toBe(7000);
    const rest = planRefund(first.record, undefined, request({ requestedBy: 'staff_2' }));
    expect(rest).toMatchObject({ kind: 'new', refund: { amount: 7000 } });
  });

  it('refuses more than remains, and a payment that has not succeeded', () => {
    expect(planRefund(payment(), undefined, request({ amount: 10_001 }))).toEqual({
      kind: 'exceeds_remaining',
      remaining: 10_000,
      requested: 10_001,
    });
    expect(planRefund(payment({ status: 'processing' }), undefined, request())).toEqual({
      kind: 'not_refundable',
      status: 'processing',
    });
  });

  it('returns the same refund for the same key, and for the same click twice without a key', () => {
    const first = withRequest(bookOf(payment()), request({ refundKey: 'key-1', amount: 500 }));
    if (first.plan.kind !== 'new') throw new Error(first.plan.kind);
    expect(withRequest(first.book, request({ refundKey: 'key-1', amount: 900 })).plan).toEqual({
      kind: 'existing',
      refund: first.plan.refund,
    });
    const click = planRefund(payment(), undefined, request({ amount: 500 }));
    if (click.kind !== 'new') throw new Error(click.kind);
    expect(planRefund(click.record, undefined, request({ amount: 500 }))).toEqual({
      kind: 'repeat',
      refundKey: click.refund.refundKey,
    });
    const later = new Date(now.getTime() + 31_000);
    const again = planRefund(click.record, undefined, request({ amount: 500, now: later }));
    expect(again.kind).toBe('new');
    // The same-click memory is pruned by time: the payment item does not grow with its refunds.
    if (again.kind !== 'new') throw new Error(again.kind);
    expect(again.record.recentRefundAsks.map((entry) => entry.refundKey)).toEqual([again.refund.refundKey]);
  });
});

describe('applying refund and dispute facts', () => {
  it('gives a failed refund’s amount back, and writes the payment only when money moves', () => {
    const facts = refundFacts('re_1', 4000, 100);
    const pending = applyRefundFact(payment(), undefined, facts[0] as RefundFact);
    expect(pending?.payment).toMatchObject({ amountRefunded: 0, amountRefundPending: 4000 });
    let book = bookOf(payment());
    for (const fact of facts.slice(0, 2)) book = withRefundFact(book, fact);
    expect(book.payment.amountRefunded).toBe(4000);
    expect(book.payment.amountRefundPending).toBe(0);
    book = withRefundFact(book, facts[2] as RefundFact);
    expect(book.payment.amountRefunded).toBe(0);
    expect(refundsOf(book)[0]).toMatchObject({ status: 'failed', failureReason: 'expired_or_canceled_card' });
    // A pending refund that gains its Stripe id moves no money: the refund item alone is written.
    const planned = planRefund(payment(), undefined, request({ amount: 700, refundKey: 'k0' }));
    if (planned.kind !== 'new') throw new Error(planned.kind);
    const gainsId = applyRefundFact(planned.record, planned.refund, {
      ...(facts[0] as RefundFact),
      amount: 700,
      refundKey: 'k0',
    });
    expect(gainsId).toEqual({ refund: expect.objectContaining({ refundId: 're_1', status: 'pending' }) });
  });

  it('ties a Stripe refund to the request that made it through its metadata', () => {
    const planned = withRequest(bookOf(payment()), request({ amount: 1200, refundKey: 'k1' }));
    if (planned.plan.kind !== 'new') throw new Error(planned.plan.kind);
    const fact: RefundFact = {
      refundId: 're_x',
      amount: 1200,
      status: 'succeeded',
      reason: null,
      failureReason: null,
      created: 100,
      factCreated: 100,
      refundKey: 'k1',
    };
    const book = withRefundFact(planned.book, fact);
    expect(refundsOf(book)).toHaveLength(1);
    expect(refundsOf(book)[0]).toMatchObject({
      refundKey: 'k1',
      refundId: 're_x',
      status: 'succeeded',
      requestedBy: 'staff_1',
    });
    expect(book.payment).toMatchObject({ amountRefunded: 1200, amountRefundPending: 0 });
  });

  for (const property of refundProperties) {
    it(property.name, () => property.check(numRuns));
  }
});
