import * as z from 'zod';
import type { PaymentRecord } from './payment.ts';

/** A report's window `[from, to)`: ISO 8601 instants in UTC. */
export interface ReportWindow {
  from: string;
  to: string;
}

/** The longest window one request may ask for (docs/api.md): a year, leap day included. */
export const maxReportDays = 366;

/** The current calendar month in UTC: a report's window when the request names none. */
export function currentMonthWindow(now: Date): ReportWindow {
  const from = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
  const to = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1));
  return { from: from.toISOString(), to: to.toISOString() };
}

/**
 * The window a request asks for: both bounds, or the current calendar month (UTC) when it names neither; one
 * bound alone starts or ends at that bound's month. Answers a problem's message instead when the window is
 * backwards or longer than `maxReportDays`.
 */
export function reportWindowOf(
  bounds: { from?: string | undefined; to?: string | undefined },
  now: Date,
): { window: ReportWindow } | { problem: { field: 'from' | 'to'; message: string } } {
  const month = currentMonthWindow(
    bounds.from ? new Date(bounds.from) : bounds.to ? new Date(Date.parse(bounds.to) - 1) : now,
  );
  const window = { from: bounds.from ?? month.from, to: bounds.to ?? month.to };
  if (window.from >= window.to) return { problem: { field: 'to', message: 'must be after from' } };
  const days = (Date.parse(window.to) - Date.parse(window.from)) / 86_400_000;
  if (days > maxReportDays) {
    return { problem: { field: 'to', message: `the window may span at most ${maxReportDays} days` } };
  }
  return { window };
}

export const currencyTotalsSchema = z
  .object({
    currency: z.string().meta({ description: 'Lower-case ISO currency code.', example: 'usd' }),
    gross: z.number().int().meta({ description: 'Payments that succeeded in the window (minor unit).' }),
    refunded: z
      .number()
      .int()
      .meta({ description: 'Refunds that succeeded in the window, whichever month their payment was in.' }),
    net: z.number().int().meta({ description: '`gross` − `refunded`.' }),
    succeededCount: z.number().int(),
    failedCount: z.number().int().meta({ description: 'Payments that failed in the window.' }),
    refundedCount: z
      .number()
      .int()
      .meta({ description: 'Payments a refund in the window left fully refunded.' }),
    partiallyRefundedCount: z
      .number()
      .int()
      .meta({ description: 'Payments a refund in the window left partially refunded.' }),
    disputed: z
      .number()
      .int()
      .meta({ description: 'Open or lost disputes of the payments that succeeded in the window.' }),
    disputedCount: z.number().int(),
  })
  .meta({ id: 'CurrencyTotals' });

export type CurrencyTotals = z.infer<typeof currencyTotalsSchema>;

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

/**
 * When a payment reached its status: Stripe's `created` of the fact that set it (seconds), as an ISO instant. A
 * payment is counted in the window it succeeded (or failed) in, not the one it was created in.
 */
export function statusTimeOf(payment: Pick<PaymentRecord, 'statusSource'>): string {
  return new Date(payment.statusSource.created * 1000).toISOString();
}

/**
 * One entry of the report index (gsi4), as its reader gets it: a payment at the time it succeeded or failed, a
 * refund at the time it succeeded (with its payment's amount and `amountRefunded` right after it), a dispute at its
 * payment's success time. Only what the report sums, and nothing that changes once written (but a status).
 */
export interface ReportEntry {
  kind: 'payment' | 'refund' | 'dispute';
  /** ISO instant (UTC) the entry is filed under. */
  time: string;
  paymentId: string;
  /** Minor unit. */
  amount: number;
  currency: string;
  status: string;
  /** Refunds: the payment's amount (minor unit). */
  paymentAmount?: number;
  /** Refunds: the payment's `amountRefunded` right after this refund succeeded (minor unit). */
  refundedAfter?: number;
}

/**
 * The report of a window from the entries filed in it, per currency (amounts of different currencies are never
 * summed). A payment's amount counts when it succeeded in the window, each refund when it succeeded in the window
 * (so a closed month never changes), a payment's open or lost disputes with the payment. A payment a refund in the
 * window touched counts as fully or partially refunded by how it stood after the last such refund.
 */
export function reportOf(entries: readonly ReportEntry[]): CurrencyTotals[] {
  const totals = new Map<string, CurrencyTotals>();
  const rowOf = (currency: string) => {
    const row = totals.get(currency) ?? empty(currency);
    totals.set(currency, row);
    return row;
  };
  const refundedPayments = new Map<string, { currency: string; amount: number; refundedAfter: number }>();
  for (const entry of entries) {
    if (entry.kind === 'payment') addPayment(rowOf(entry.currency), entry);
    else if (entry.kind === 'dispute') {
      if (!settledInFavour.has(entry.status)) addDispute(rowOf(entry.currency), entry);
    } else if (entry.status === 'succeeded') {
      rowOf(entry.currency).refunded += entry.amount;
      const seen = refundedPayments.get(entry.paymentId);
      refundedPayments.set(entry.paymentId, {
        currency: entry.currency,
        amount: entry.paymentAmount ?? Number.POSITIVE_INFINITY,
        refundedAfter: Math.max(seen?.refundedAfter ?? 0, entry.refundedAfter ?? entry.amount),
      });
    }
  }
  for (const payment of refundedPayments.values()) {
    const row = rowOf(payment.currency);
    if (payment.refundedAfter >= payment.amount) row.refundedCount += 1;
    else row.partiallyRefundedCount += 1;
  }
  for (const row of totals.values()) row.net = row.gross - row.refunded;
  return [...totals.values()].sort((a, b) => a.currency.localeCompare(b.currency));
}

function addPayment(row: CurrencyTotals, entry: ReportEntry): void {
  if (entry.status === 'failed') row.failedCount += 1;
  if (entry.status === 'succeeded') {
    row.succeededCount += 1;
    row.gross += entry.amount;
  }
}

function addDispute(row: CurrencyTotals, entry: ReportEntry): void {
  row.disputed += entry.amount;
  row.disputedCount += 1;
}

/** The report as `text/csv` (RFC 4180): a header line, then one row per currency. */
export function reportAsCsv(
  report: { mode: string } & ReportWindow & { currencies: CurrencyTotals[] },
): string {
  const columns = Object.keys(currencyTotalsSchema.shape) as (keyof CurrencyTotals)[];
  const lines = [['mode', 'from', 'to', ...columns].join(',')];
  for (const row of report.currencies) {
    lines.push(
      [report.mode, report.from, report.to, ...columns.map((column) => String(row[column]))].join(','),
    );
  }
  return `${lines.join('\r\n')}\r\n`;
}
