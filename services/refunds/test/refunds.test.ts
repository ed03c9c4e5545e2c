import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { succeededPayment } from '../../../test/support/payment-record.ts';
import {
  applyDisputeFact,
  applyRefundFact,
  type DisputeFact,
  planRefund,
  type RefundFact,
  refundableRemainder,
} from '../src/domain/refunds.ts';

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

const refundFacts = (id: string, amount: number, base: number): RefundFact[] => [
  {
    refundId: id,
    amount,
    status: 'pending',
    reason: null,
    failureReason: null,
    created: base,
    factCreated: base,
    refundKey: null,
  },
  {
    refundId: id,
    amount,
    status: 'succeeded',
    reason: null,
    failureReason: null,
    created: base,
    factCreated: base + 1,
    refundKey: null,
  },
  {
    refundId: id,
    amount,
    status: 'failed',
    reason: null,
    failureReason: 'expired_or_canceled_card',
    created: base,
    factCreated: base + 5,
    refundKey: null,
  },
];

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

  it('ends in the same refunds and totals for every order and repetition of the facts', () => {
    const facts = [
      ...refundFacts('re_a', 2500, 100),
      ...refundFacts('re_b', 1000, 200).slice(0, 2),
      {
        refundId: 're_c',
        amount: 700,
        status: 'succeeded' as const,
        reason: 'duplicate',
        failureReason: null,
        created: 300,
        factCreated: 300,
        refundKey: null,
      },
    ];
    const apply = (order: readonly RefundFact[]) => {
      let record = payment();
      for (const fact of order) record = applyRefundFact(record, fact) ?? record;
      const refunds = [...record.refunds].sort((a, b) => a.refundKey.localeCompare(b.refundKey));
      return { amountRefunded: record.amountRefunded, refunds };
    };
    const reference = apply(facts);
    expect(reference.amountRefunded).toBe(1700);
    fc.assert(
      fc.property(
        fc.shuffledSubarray(facts, { minLength: facts.length, maxLength: facts.length }),
        fc.array(fc.nat(facts.length - 1)),
        (order, repeats) => {
          const deliveries = [...order, ...repeats.map((index) => facts[index] as RefundFact)];
          expect(apply(deliveries)).toEqual(reference);
        },
      ),
      { numRuns: 2000 },
    );
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

  it('ends in the same dispute for every order of its events', () => {
    const base = {
      disputeId: 'dp_1',
      amount: 10_000,
      currency: 'usd',
      reason: 'fraudulent',
      evidenceDueBy: 999,
      created: 100,
    };
    const facts: DisputeFact[] = [
      { ...base, status: 'needs_response', factCreated: 100 },
      { ...base, status: 'under_review', factCreated: 200 },
      { ...base, status: 'lost', factCreated: 300 },
    ];
    const apply = (order: readonly DisputeFact[]) => {
      let record = payment();
      for (const fact of order) record = applyDisputeFact(record, fact) ?? record;
      return record.disputes;
    };
    const reference = apply(facts);
    expect(reference).toEqual([
      expect.objectContaining({ status: 'lost', evidenceDueBy: new Date(999_000).toISOString() }),
    ]);
    fc.assert(
      fc.property(fc.shuffledSubarray(facts, { minLength: 3, maxLength: 3 }), (order) => {
        expect(apply([...order, ...order])).toEqual(reference);
      }),
    );
  });
});
