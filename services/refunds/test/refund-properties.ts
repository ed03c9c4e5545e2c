import { deepStrictEqual } from 'node:assert/strict';
import fc from 'fast-check';
import { succeededPayment } from '../../../test/support/payment-record.ts';
import type { OrderProperty } from '../../payments/test/payment-intent-properties.ts';
import type { DisputeFact, RefundFact } from '../src/domain/refunds.ts';
import { bookOf, refundsOf, withDisputeFact, withRefundFact } from './refund-book.ts';

/**
 * The refunds worker's order and repetition independence (refund facts and dispute facts applied to a payment), as
 * properties with the number of runs as a parameter: `refunds.test.ts` runs them with a few thousand cases,
 * `npm run bench:properties` with tens of thousands. Each `check` throws fast-check's report when it fails.
 */

/** One refund's life as Stripe reports it: created pending (`base`), succeeded a second later, failed 5 s later. */
export const refundFacts = (id: string, amount: number, base: number): RefundFact[] => [
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

const disputeBase = {
  disputeId: 'dp_1',
  amount: 10_000,
  currency: 'usd',
  reason: 'fraudulent',
  evidenceDueBy: 999,
  created: 100,
};

export const refundProperties: readonly OrderProperty[] = [
  {
    name: 'ends in the same refunds and totals for every order and repetition of the facts',
    check(numRuns, seed) {
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
        let book = bookOf(succeededPayment());
        for (const fact of order) book = withRefundFact(book, fact);
        const refunds = refundsOf(book).sort((a, b) => a.refundKey.localeCompare(b.refundKey));
        // The payment's aggregates always equal what its refund items hold.
        const sum = (status: string) =>
          refunds
            .filter((refund) => refund.status === status)
            .reduce((total, refund) => total + refund.amount, 0);
        deepStrictEqual(book.payment.amountRefunded, sum('succeeded'));
        deepStrictEqual(book.payment.amountRefundPending, sum('pending'));
        return { amountRefunded: book.payment.amountRefunded, refunds };
      };
      const reference = apply(facts);
      deepStrictEqual(reference.amountRefunded, 1700);
      fc.assert(
        fc.property(
          fc.shuffledSubarray(facts, { minLength: facts.length, maxLength: facts.length }),
          fc.array(fc.nat(facts.length - 1)),
          (order, repeats) => {
            const deliveries = [...order, ...repeats.map((index) => facts[index] as RefundFact)];
            deepStrictEqual(apply(deliveries), reference);
          },
        ),
        { numRuns, ...(seed === undefined ? {} : { seed }) },
      );
    },
  },
  {
    name: 'ends in the same dispute for every order and repetition of its events',
    check(numRuns, seed) {
      const facts: DisputeFact[] = [
        { ...disputeBase, status: 'needs_response', factCreated: 100 },
        { ...disputeBase, status: 'under_review', factCreated: 200 },
        { ...disputeBase, status: 'lost', factCreated: 300 },
      ];
      const apply = (order: readonly DisputeFact[]) => {
        let book = bookOf(succeededPayment());
        for (const fact of order) book = withDisputeFact(book, fact);
        return [...book.disputes.values()];
      };
      const reference = apply(facts);
      deepStrictEqual(reference.length, 1);
      deepStrictEqual(reference[0]?.status, 'lost');
      deepStrictEqual(reference[0]?.evidenceDueBy, new Date(999_000).toISOString());
      fc.assert(
        fc.property(
          fc.shuffledSubarray(facts, { minLength: 3, maxLength: 3 }),
          fc.array(fc.nat(facts.length - 1), { maxLength: 6 }),
          (order, repeats) => {
            const deliveries = [...order];
            for (const index of repeats)
              deliveries.splice(index % (deliveries.length + 1), 0, facts[index] as DisputeFact);
            deepStrictEqual(apply(deliveries), reference);
          },
        ),
        { numRuns, ...(seed === undefined ? {} : { seed }) },
      );
    },
  },
];
