import type { BalanceTransactionFacts, PayoutItem, PayoutItemType, PayoutRecord } from './payout.ts';
import type { PayoutView } from './payout-view.ts';

/**
 * Whether a payout's balance transactions should be listed now: Stripe has finished reconciling it (only then
 * does it list them, and only for automatic payouts) and we have not stored them all yet. A payout that failed
 * after it was paid is listed too, so that the outcome does not depend on whether `payout.failed` or
 * `payout.reconciliation_completed` arrived first.
 */
export function needsReconciliation(record: PayoutRecord): boolean {
  return (
    record.automatic &&
    record.stripeReconciliationStatus === 'completed' &&
    (record.status === 'paid' || record.status === 'failed') &&
    record.reconciliation.status !== 'completed'
  );
}

/** The payout's own `type: payout` transaction is in Stripe's list of its transactions: it is the payout, not an item. */
export function isOwnPayoutTransaction(transaction: BalanceTransactionFacts, payoutId: string): boolean {
  const isPayout = transaction.type === 'payout' || transaction.reportingCategory === 'payout';
  return isPayout && transaction.source?.id === payoutId;
}

const typeByStripeType: Readonly<Record<string, PayoutItemType>> = {
  charge: 'charge',
  payment: 'charge',
  refund: 'refund',
  payment_refund: 'refund',
  refund_failure: 'refund_failure',
  payment_failure_refund: 'refund_failure',
  payout_failure: 'payout_failure',
  payout_cancel: 'payout_failure',
  stripe_fee: 'fee',
  stripe_fx_fee: 'fee',
  tax_fee: 'fee',
  application_fee: 'fee',
};

const typeByReportingCategory: Readonly<Record<string, PayoutItemType>> = {
  dispute: 'dispute',
  dispute_reversal: 'dispute_reversal',
  fee: 'fee',
  payout_reversal: 'payout_failure',
};

/** Our category of a balance transaction: its reporting category where it says more (disputes), else its type. */
export function itemTypeOf(transaction: BalanceTransactionFacts): PayoutItemType {
  const byCategory = transaction.reportingCategory
    ? typeByReportingCategory[transaction.reportingCategory]
    : undefined;
  if (byCategory) return byCategory;
  if (transaction.source?.object === 'dispute') return 'dispute';
  const byType = typeByStripeType[transaction.type];
  if (byType) return byType;
  return transaction.type === 'adjustment' ? 'adjustment' : 'other';
}

/** The Stripe ids that join a balance transaction to a payment, refund or dispute. */
export function joinIdsOf(transaction: BalanceTransactionFacts) {
  const source = transaction.source;
  return {
    paymentId: source?.paymentIntentId ?? null,
    chargeId: source?.chargeId ?? null,
    refundId: source?.object === 'refund' ? source.id : null,
    disputeId: source?.object === 'dispute' ? source.id : null,
  };
}

/** A Basis payment as reconciliation sees it. */
export interface KnownPayment {
  bookingId: string | null;
}

/**
 * The items of one page of a payout's balance transactions: each joined to the payment it belongs to where the
 * source names one, whether or not Basis knows that payment. Nothing is dropped but the payout's own transaction.
 */
export function itemsOfPage(
  record: PayoutRecord,
  transactions: readonly BalanceTransactionFacts[],
  knownPayments: ReadonlyMap<string, KnownPayment>,
): PayoutItem[] {
  return transactions
    .filter((transaction) => !isOwnPayoutTransaction(transaction, record.payoutId))
    .map((transaction, index) => {
      const ids = joinIdsOf(transaction);
      const known = ids.paymentId ? knownPayments.get(ids.paymentId) : undefined;
      return {
        clinicId: record.clinicId,
        mode: record.mode,
        payoutId: record.payoutId,
        balanceTransactionId: transaction.id,
        position: record.reconciliation.itemCount + index,
        type: itemTypeOf(transaction),
        stripeType: transaction.type,
        reportingCategory: transaction.reportingCategory,
        ...ids,
        matched: known !== undefined,
        bookingId: known?.bookingId ?? null,
        gross: transaction.amount,
        fee: transaction.fee,
        net: transaction.net,
        currency: transaction.currency,
        createdAt: new Date(transaction.created * 1000).toISOString(),
      };
    });
}

/** Payment ids a page's items name, for one lookup each. */
export function paymentIdsOf(transactions: readonly BalanceTransactionFacts[]): string[] {
  const ids = transactions.map((transaction) => joinIdsOf(transaction).paymentId);
  return [...new Set(ids.filter((id): id is string => id !== null))];
}

export interface PageProgress {
  /** The cursor the page was read from. */
  from: string | null;
  /** The last transaction Stripe listed on the page; the next page starts after it. */
  lastId: string | null;
  hasMore: boolean;
  itemCount: number;
}

/**
 * The record after one stored page. The page was read from cursor `from`: if the record has moved past it
 * (another worker stored the same page first), there is nothing to do and the result is undefined. So a page is
 * counted once however many workers read it, and the conditional write on the version settles races.
 */
export function advanceReconciliation(
  record: PayoutRecord,
  page: PageProgress,
  now: Date,
): PayoutRecord | undefined {
  const progress = record.reconciliation;
  if (progress.status === 'completed' || progress.cursor !== page.from) return undefined;
  const done = !page.hasMore || page.lastId === null;
  const at = now.toISOString();
  return {
    ...record,
    reconciliation: {
      status: done ? 'completed' : 'in_progress',
      cursor: page.lastId ?? progress.cursor,
      pages: progress.pages + 1,
      itemCount: progress.itemCount + page.itemCount,
      startedAt: progress.startedAt ?? at,
      completedAt: done ? at : null,
    },
    updatedAt: at,
    version: record.version + 1,
  };
}

export interface Totals {
  gross: number;
  fee: number;
  net: number;
}

export function totalsOf(items: readonly Pick<PayoutItem, 'gross' | 'fee' | 'net'>[]): Totals {
  return items.reduce(
    (sum, item) => ({ gross: sum.gross + item.gross, fee: sum.fee + item.fee, net: sum.net + item.net }),
    { gross: 0, fee: 0, net: 0 },
  );
}

export type ReconciliationView =
  | { status: 'completed' | 'in_progress'; reason: null }
  | { status: 'pending'; reason: 'awaiting_stripe_reconciliation' | null }
  | { status: 'unavailable'; reason: 'manual_payout' | 'payout_failed' | 'payout_canceled' };

/** Where reconciliation stands, and why when it cannot happen. */
export function reconciliationOf(record: PayoutRecord): ReconciliationView {
  if (!record.automatic) return { status: 'unavailable', reason: 'manual_payout' };
  if (record.reconciliation.status === 'completed') return { status: 'completed', reason: null };
  if (record.stripeReconciliationStatus !== 'completed') {
    if (record.status === 'failed') return { status: 'unavailable', reason: 'payout_failed' };
    if (record.status === 'canceled') return { status: 'unavailable', reason: 'payout_canceled' };
    return { status: 'pending', reason: 'awaiting_stripe_reconciliation' };
  }
  if (record.reconciliation.status === 'in_progress') return { status: 'in_progress', reason: null };
  return { status: 'pending', reason: null };
}

/** The Payout of the HTTP contract (API.md), with the reconciliation's state and each item's join. */
export function toPayoutView(record: PayoutRecord, items: readonly PayoutItem[]): PayoutView {
  const totals = totalsOf(items);
  const difference = record.amount - totals.net;
  const reconciliation = reconciliationOf(record);
  return {
    payoutId: record.payoutId,
    mode: record.mode,
    amount: record.amount,
    currency: record.currency,
    status: record.status,
    arrivalDate: record.arrivalDate,
    automatic: record.automatic,
    createdAt: record.createdAt,
    failure: record.failure,
    reconciled: reconciliation.status === 'completed' && record.status === 'paid' && difference === 0,
    reconciliation: { ...reconciliation, itemCount: items.length },
    items: items.map((item) => ({
      paymentId: item.paymentId,
      chargeId: item.chargeId,
      refundId: item.refundId,
      disputeId: item.disputeId,
      balanceTransactionId: item.balanceTransactionId,
      type: item.type,
      stripeType: item.stripeType,
      matched: item.matched,
      bookingId: item.bookingId,
      gross: item.gross,
      fee: item.fee,
      net: item.net,
    })),
    totals,
    difference,
  };
}
