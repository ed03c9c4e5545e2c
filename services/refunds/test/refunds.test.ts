import { describe, expect, it } from 'vitest';
import { succeededPayment } from '../../../test/support/payment-record.ts';
import { applyRefundFact, planRefund, type RefundFact, refundableRemainder } from '../src/domain/refunds.ts';
import { refundFacts, refundProperties } from './refund-properties.ts';

/** Cases per property here; `npm run bench:properties` runs the same properties with many more. */
const numRuns = 2000;

const now = new Date('2026-11-26T12:00:00Z');

const payment = succeededPayment;

let keys = 0;
function request(
  overrides: Partial<Parameters<typeof planRefund>[1]> = {},
): Parameters<typeof planRefund>[1] {
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
    const first = planRefund(payment(), request({ amount: 3000 }));
    if (first.kind !== 'new') throw new Error(first.kind);
    expect(first.refund).toMatchObject({
      amount: 3000,
      status: 'pending',
      refundId: null,
      idempotencyKey: `idem-${first.refund.refundKey}`,
    });
    expect(refundableRemainder(first.record)).toBe(7000);
    const rest = planRefund(first.record, request({ requestedBy: 'staff_2' }));
    expect(rest).toMatchObject({ kind: 'new', refund: { amount: 7000 } });
  });

  it('refuses more than remains, and a payment that has not succeeded', () => {
    expect(planRefund(payment(), request({ amount: 10_001 }))).toEqual({
      kind: 'exceeds_remaining',
      remaining: 10_000,
      requested: 10_001,
    });
    expect(planRefund(payment({ status: 'processing' }), request())).toEqual({
      kind: 'not_refundable',
      status: 'processing',
    });
  });

  it('returns the same refund for the same key, and for the same click twice without a key', () => {
    const first = planRefund(payment(), request({ refundKey: 'key-1', amount: 500 }));
    if (first.kind !== 'new') throw new Error(first.kind);
    expect(planRefund(first.record, request({ refundKey: 'key-1', amount: 900 }))).toEqual({
      kind: 'existing',
      refund: first.refund,
    });
    const click = planRefund(payment(), request({ amount: 500 }));
    if (click.kind !== 'new') throw new Error(click.kind);
    expect(planRefund(click.record, request({ amount: 500 }))).toEqual({
      kind: 'existing',
      refund: click.refund,
    });
    const later = new Date(now.getTime() + 31_000);
    expect(planRefund(click.record, request({ amount: 500, now: later })).kind).toBe('new');
  });
});

describe('applying refund and dispute facts', () => {
  it('gives a failed refund’s amount back', () => {
    let record = payment();
    for (const fact of refundFacts('re_1', 4000, 100).slice(0, 2))
      record = applyRefundFact(record, fact) ?? record;
    expect(record.amountRefunded).toBe(4000);
    record = applyRefundFact(record, refundFacts('re_1', 4000, 100)[2] as RefundFact) ?? record;
    expect(record.amountRefunded).toBe(0);
    expect(record.refunds[0]).toMatchObject({ status: 'failed', failureReason: 'expired_or_canceled_card' });
  });

  it('ties a Stripe refund to the request that made it through its metadata', () => {
    const plan = planRefund(payment(), request({ amount: 1200, refundKey: 'k1' }));
    if (plan.kind !== 'new') throw new Error(plan.kind);
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
    const record = applyRefundFact(plan.record, fact);
    expect(record?.refunds).toHaveLength(1);
    expect(record?.refunds[0]).toMatchObject({
      refundKey: 'k1',
      refundId: 're_x',
      status: 'succeeded',
      requestedBy: 'staff_1',
    });
  });

  for (const property of refundProperties) {
    it(property.name, () => property.check(numRuns));
  }
});
