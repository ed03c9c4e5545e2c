import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { succeededPayment } from '../../../test/support/payment-record.ts';
import { bookOf, type RefundBook, refundsOf, withRequest } from './refund-book.ts';

const start = new Date('2026-11-26T12:00:00Z');

/** Plans and, when new, applies one keyless request of `userId`, `seconds` after `start`. */
function ask(book: RefundBook, amount: number | undefined, seconds = 0, userId = 'u1') {
  let made = 0;
  return withRequest(book, {
    refundKey: undefined,
    amount,
    reason: null,
    requestedBy: userId,
    now: new Date(start.getTime() + seconds * 1000),
    idempotencyKeyFor: (key) => `key-${key}`,
    newRefundKey: () => `rf_${book.refunds.size}_${++made}`,
  });
}

describe('a keyless refund request is the same request only when it asks the same', () => {
  it('"all that remains" after a partial refund is a new refund of the rest', () => {
    const partial = ask(bookOf(succeededPayment({ amount: 5000 })), 2000);
    const rest = ask(partial.book, undefined, 5);
    expect(rest.plan).toMatchObject({ kind: 'new', refund: { amount: 3000, requestedAmount: null } });
    const again = ask(rest.book, undefined, 6);
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
        let book = bookOf(succeededPayment({ amount: 5000 }));
        const sorted = [...requests].sort((a, b) => a.seconds - b.seconds);
        for (const next of sorted) book = ask(book, next.amount, next.seconds, next.userId).book;
        const refunds = refundsOf(book);
        const committed = refunds.reduce((sum, refund) => sum + refund.amount, 0);
        expect(committed).toBeLessThanOrEqual(5000);
        // The payment's pending total is the sum its refund items hold.
        expect(book.payment.amountRefundPending).toBe(committed);
        // Within the window, one user's same ask is one refund.
        const asks = refunds.map((refund) => `${refund.requestedBy}:${refund.requestedAmount}`);
        for (const key of new Set(asks)) {
          const times = refunds
            .filter((refund) => `${refund.requestedBy}:${refund.requestedAmount}` === key)
            .map((refund) => Date.parse(refund.createdAt));
          for (let index = 1; index < times.length; index += 1)
            expect((times[index] ?? 0) - (times[index - 1] ?? 0)).toBeGreaterThanOrEqual(30_000);
        }
      }),
    );
  });
});
