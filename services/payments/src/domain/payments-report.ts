import type { PaymentRecord } from './payment.ts';

export interface CurrencyTotals {
  currency: string;
  /** Succeeded payments. */
  gross: number;
  /** Their succeeded refunds. */
  refunded: number;
  net: number;
  succeededCount: number;
  failedCount: number;
  refundedCount: number;
  partiallyRefundedCount: number;
  /** Amounts under dispute or lost to one, apart from refunds. */
  disputed: number;
  disputedCount: number;
}

const settledInFavour = new Set(['won', 'warning_closed']);

function empty(currency: string): CurrencyTotals {
  return {
    currency,
    gross: 0,
    refunded: 0,
    net: 0,
    succeededCount: 0,
    failedCount: 0,
    refundedCount: 0,
    partiallyRefundedCount: 0,
    disputed: 0,
    disputedCount: 0,
  };
}

/** Adds one payment to the report, per currency (amounts of different currencies are never summed). */
export function addToReport(totals: Map<string, CurrencyTotals>, payment: PaymentRecord): void {
  const entry = totals.get(payment.currency) ?? empty(payment.currency);
  totals.set(payment.currency, entry);
  if (payment.status === 'failed') entry.failedCount += 1;
  if (payment.status !== 'succeeded') return;
  entry.succeededCount += 1;
  entry.gross += payment.amount;
  entry.refunded += payment.amountRefunded;
  entry.net = entry.gross - entry.refunded;
  if (payment.amountRefunded >= payment.amount) entry.refundedCount += 1;
  else if (payment.amountRefunded > 0) entry.partiallyRefundedCount += 1;
  const open = payment.disputes.filter((dispute) => !settledInFavour.has(dispute.status));
  entry.disputed += open.reduce((sum, dispute) => sum + dispute.amount, 0);
  entry.disputedCount += open.length;
}
