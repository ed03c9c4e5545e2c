import type { RecurringInterval } from '../objects.ts';

/**
 * Billing period arithmetic, as Stripe bills: periods are counted from the billing cycle anchor,
 * in UTC. Monthly and yearly periods keep the anchor's day of month, or the month's last day when
 * the month is shorter (anchor 31 January → 28/29 February → 31 March), so one short month never
 * shifts later periods.
 */
export interface BillingInterval {
  interval: RecurringInterval;
  interval_count: number;
}

const DAY = 86_400;

function addMonths(anchor: number, months: number): number {
  const date = new Date(anchor * 1000);
  const firstOfTarget = Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + months, 1);
  const target = new Date(firstOfTarget);
  const lastDay = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  const day = Math.min(date.getUTCDate(), lastDay);
  return (
    Date.UTC(
      target.getUTCFullYear(),
      target.getUTCMonth(),
      day,
      date.getUTCHours(),
      date.getUTCMinutes(),
      date.getUTCSeconds(),
    ) / 1000
  );
}

/** The end of the `index`-th period (1 = the first) of a subscription anchored at `anchor` (Unix seconds). */
export function periodBoundary(anchor: number, recurring: BillingInterval, index: number): number {
  const steps = recurring.interval_count * index;
  switch (recurring.interval) {
    case 'day':
      return anchor + steps * DAY;
    case 'week':
      return anchor + steps * 7 * DAY;
    case 'month':
      return addMonths(anchor, steps);
    case 'year':
      return addMonths(anchor, steps * 12);
  }
}

/** The period after the one ending at `end`: its end is the next boundary counted from the anchor. */
export function nextPeriodEnd(anchor: number, recurring: BillingInterval, end: number): number {
  let index = 1;
  while (periodBoundary(anchor, recurring, index) <= end) index += 1;
  return periodBoundary(anchor, recurring, index);
}
