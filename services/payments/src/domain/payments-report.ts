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

const within = (instant: string, window: ReportWindow) => instant >= window.from && instant < window.to;

/**
 * Adds one payment to the report of a window, per currency (amounts of different currencies are never summed).
 * Its amount counts when it succeeded in the window; each of its refunds counts when that refund succeeded in the
 * window (Stripe's time of the fact that made it `succeeded`), so a closed month never changes. A payment may add
 * nothing at all (then its currency does not appear through it).
 */
export function addToReport(
  totals: Map<string, CurrencyTotals>,
  payment: PaymentRecord,
  window: ReportWindow,
): void {
  const entryOf = () => {
    const entry = totals.get(payment.currency) ?? empty(payment.currency);
    totals.set(payment.currency, entry);
    return entry;
  };
  const statusTime = statusTimeOf(payment);
  if (payment.status === 'failed' && within(statusTime, window)) entryOf().failedCount += 1;
  if (payment.status !== 'succeeded') return;
  if (within(statusTime, window)) {
    const entry = entryOf();
    entry.succeededCount += 1;
    entry.gross += payment.amount;
    const open = payment.disputes.filter((dispute) => !settledInFavour.has(dispute.status));
    entry.disputed += open.reduce((sum, dispute) => sum + dispute.amount, 0);
    entry.disputedCount += open.length;
  }
  const succeededRefunds = payment.refunds.filter((refund) => refund.status === 'succeeded');
  const refundTime = (refund: { statusCreated: number }) =>
    new Date(refund.statusCreated * 1000).toISOString();
  const inWindow = succeededRefunds.filter((refund) => within(refundTime(refund), window));
  if (inWindow.length > 0) {
    const entry = entryOf();
    entry.refunded += inWindow.reduce((sum, refund) => sum + refund.amount, 0);
    // How refunded the payment stood at the window's end: what a closed month showed, and always will.
    const refundedByEnd = succeededRefunds
      .filter((refund) => refundTime(refund) < window.to)
      .reduce((sum, refund) => sum + refund.amount, 0);
    if (refundedByEnd >= payment.amount) entry.refundedCount += 1;
    else entry.partiallyRefundedCount += 1;
  }
  for (const entry of totals.values()) entry.net = entry.gross - entry.refunded;
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
