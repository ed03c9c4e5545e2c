import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { succeededPayment } from '../../../test/support/payment-record.ts';
import type { PaymentRecord } from '../../payments/src/domain/payment.ts';
import { planRefund } from '../src/domain/refunds.ts';

const start = new Date('2026-11-26T12:00:00Z');

/** Plans and, when new, applies one keyless request of `userId`, `seconds` after `start`. */
function ask(record: PaymentRecord, amount: number | undefined, seconds = 0, userId = 'u1') {
  let made = 0;
  const plan = planRefund(record, {
    refundKey: undefined,
    amount,
    reason: null,
    requestedBy: userId,
    now: new Date(start.getTime() + seconds * 1000),
    idempotencyKeyFor: (key) => `key-${key}`,
    newRefundKey: () => `rf_${record.refunds.length}_${++made}`,
  });
  return { plan, record: plan.kind === 'new' ? plan.record : record };
}

describe('a keyless refund request is the same request only when it asks the same', () => {
  it('"all that remains" after a partial refund is a new refund of the rest', () => {
    const partial = ask(succeededPayment({ amount: 5000 }), 2000);
    const rest = ask(partial.record, undefined, 5);
    expect(rest.plan).toMatchObject({ kind: 'new', refund: { amount: 3000, requestedAmount: null } });
    const again = ask(rest.record, undefined, 6);
    expect(again.plan).toMatchObject({ kind: 'existing', refund: { amount: 3000 } });
  });

  it('never refunds more than the payment, whatever keyless requests come in whatever order', () => {
    const request = fc.record({
      amount: fc.option(fc.integer({ min: 1, max: 6000 }), { nil: undefined }),
      seconds: fc.integer({ min: 0, max: 90 }),
      userId: fc.constantFrom('u1', 'u2'),
    });
    fc.assert(
      fc.property(fc.array(request, { maxLength: 8 }), (requests) => {
        let record = succeededPayment({ amount: 5000 });
        const sorted = [...requests].sort((a, b) => a.seconds - b.seconds);
        for (const next of sorted) record = ask(record, next.amount, next.seconds, next.userId).record;
        const committed = record.refunds.reduce((sum, refund) => sum + refund.amount, 0);
        expect(committed).toBeLessThanOrEqual(5000);
        // Within the window, one user's same ask is one refund.
        const asks = record.refunds.map((refund) => `${refund.requestedBy}:${refund.requestedAmount}`);
        for (const key of new Set(asks)) {
          const times = record.refunds
            .filter((refund) => `${refund.requestedBy}:${refund.requestedAmount}` === key)
            .map((refund) => Date.parse(refund.createdAt));
          for (let index = 1; index < times.length; index += 1)
            expect((times[index] ?? 0) - (times[index - 1] ?? 0)).toBeGreaterThanOrEqual(30_000);
        }
      }),
    );
  });
});
