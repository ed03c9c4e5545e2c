import type { DisputeEntry, PaymentRecord, RefundEntry } from '../../payments/src/domain/payment.ts';
import {
  applyDisputeFact,
  applyRefundFact,
  type DisputeFact,
  planRefund,
  type RefundFact,
  type RefundPlan,
  refundKeyOf,
} from '../src/domain/refunds.ts';

/**
 * A payment with its refunds and disputes in memory, as the store keeps them (one item each), for tests of the pure
 * rules: each step hands the domain the one refund or dispute it is about, as the use cases do.
 */
export interface RefundBook {
  payment: PaymentRecord;
  refunds: ReadonlyMap<string, RefundEntry>;
  disputes: ReadonlyMap<string, DisputeEntry>;
}

export function bookOf(payment: PaymentRecord): RefundBook {
  return { payment, refunds: new Map(), disputes: new Map() };
}

/** The book after one refund fact (the same book when the fact changes nothing). */
export function withRefundFact(book: RefundBook, fact: RefundFact): RefundBook {
  const key = refundKeyOf(fact);
  const change = applyRefundFact(book.payment, book.refunds.get(key), fact);
  if (!change) return book;
  return {
    ...book,
    payment: change.payment ?? book.payment,
    refunds: new Map(book.refunds).set(key, change.refund),
  };
}

/** The book after one dispute fact. */
export function withDisputeFact(book: RefundBook, fact: DisputeFact): RefundBook {
  const next = applyDisputeFact(book.disputes.get(fact.disputeId), fact);
  if (!next) return book;
  return { ...book, disputes: new Map(book.disputes).set(fact.disputeId, next) };
}

/** Plans a request as the refund request use case does (a keyless repeat answered with the stored refund). */
export function withRequest(
  book: RefundBook,
  request: Parameters<typeof planRefund>[2],
): { plan: RefundPlan; book: RefundBook } {
  const plan = planRefund(
    book.payment,
    request.refundKey ? book.refunds.get(request.refundKey) : undefined,
    request,
  );
  if (plan.kind === 'repeat') {
    const refund = book.refunds.get(plan.refundKey);
    if (!refund) throw new Error(`No refund ${plan.refundKey}`);
    return { plan: { kind: 'existing', refund }, book };
  }
  if (plan.kind !== 'new') return { plan, book };
  return {
    plan,
    book: {
      ...book,
      payment: plan.record,
      refunds: new Map(book.refunds).set(plan.refund.refundKey, plan.refund),
    },
  };
}

export const refundsOf = (book: RefundBook) => [...book.refunds.values()];
