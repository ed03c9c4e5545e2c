import { createContext, type RequestContext, type SimulatorCore } from '../core.ts';
import type { Invoice, Subscription } from '../objects.ts';
import type { AccountState } from '../store.ts';
import { nextPeriodEnd } from './billing-periods.ts';
import {
  chargeInvoice,
  defaultMethodFor,
  finalizeInvoice,
  ignoreDecline,
  voidInvoice,
} from './invoice-collection.ts';
import { createSubscriptionInvoice, subscriptionOf } from './invoice-drafts.ts';
import { changeSubscription, endSubscription } from './subscription-status.ts';

/**
 * Subscriptions through time. Whenever time moves (the simulator clock, a Test Clock, or plain wall
 * time seen by the next API call), every step that fell due runs in time order, each at its own
 * moment (`created` and charge dates are the step's time):
 *
 * - an `incomplete` subscription not paid 23 h after creation becomes `incomplete_expired` (its invoice is voided);
 * - at `current_period_end`: with `cancel_at_period_end` the subscription ends (`customer.subscription.deleted`);
 *   otherwise the next period starts and a draft `subscription_cycle` invoice is made;
 * - one hour later the draft is finalized and charged off-session with the default payment method;
 * - a failed renewal is retried along Stripe's custom schedule (`RETRY_DELAYS_DAYS`).
 */
export const INCOMPLETE_EXPIRY_SECONDS = 23 * 3600;
const NO_REQUEST = { id: null, idempotency_key: null };
/** A safety stop: no realistic advance needs this many steps. */
const MAX_STEPS = 100_000;

interface Step {
  at: number;
  run(ctx: RequestContext): void;
}

/** The end of the subscription's current period (all items share one interval). */
export function currentPeriodEnd(subscription: Subscription): number {
  return subscription.items.data[0]?.current_period_end ?? subscription.created;
}

function expire(ctx: RequestContext, subscription: Subscription): void {
  const invoice = subscription.latest_invoice
    ? ctx.account.find('invoice', subscription.latest_invoice)
    : undefined;
  if (invoice?.status === 'open') voidInvoice(ctx, invoice);
  changeSubscription(ctx, subscription, () => {
    subscription.status = 'incomplete_expired';
    subscription.ended_at = ctx.now;
  });
}

function renew(ctx: RequestContext, subscription: Subscription): void {
  const end = currentPeriodEnd(subscription);
  if (
    subscription.cancel_at_period_end ||
    (subscription.cancel_at !== null && subscription.cancel_at <= end)
  ) {
    endSubscription(ctx, subscription, 'cancellation_requested');
    return;
  }
  const start = subscription.items.data[0]?.current_period_start ?? end;
  changeSubscription(ctx, subscription, () => {
    for (const item of subscription.items.data) {
      const recurring = item.price.recurring ?? { interval: 'month' as const, interval_count: 1 };
      item.current_period_start = end;
      item.current_period_end = nextPeriodEnd(subscription.billing_cycle_anchor, recurring, end);
    }
    const invoice = createSubscriptionInvoice(ctx, subscription, 'subscription_cycle', { start, end });
    subscription.latest_invoice = invoice.id;
  });
}

function collect(ctx: RequestContext, invoice: Invoice): void {
  const methodId = defaultMethodFor(ctx.account, invoice);
  const method = methodId ? (ctx.account.find('payment_method', methodId) ?? null) : null;
  // Renewals are off-session; a card that insists on 3-D Secure leaves the PaymentIntent
  // `requires_action` (invoice.payment_action_required), as Stripe Billing does, rather than declining.
  ignoreDecline(() => chargeInvoice(ctx, invoice, method, false));
}

function finalizeAndCollect(ctx: RequestContext, invoice: Invoice): void {
  finalizeInvoice(ctx, invoice);
  if (invoice.status === 'open') collect(ctx, invoice);
}

function retry(ctx: RequestContext, invoice: Invoice): void {
  invoice.next_payment_attempt = null;
  collect(ctx, invoice);
}

function stepsOf(account: AccountState, subscription: Subscription): Step[] {
  if (subscription.status === 'canceled' || subscription.status === 'incomplete_expired') return [];
  const steps: Step[] = [];
  if (subscription.status === 'incomplete') {
    steps.push({
      at: subscription.created + INCOMPLETE_EXPIRY_SECONDS,
      run: (ctx) => expire(ctx, subscription),
    });
    return steps;
  }
  for (const invoice of account.list('invoice')) {
    if (subscriptionOf(invoice) !== subscription.id) continue;
    if (invoice.status === 'draft' && invoice.automatically_finalizes_at !== null && invoice.auto_advance) {
      steps.push({ at: invoice.automatically_finalizes_at, run: (ctx) => finalizeAndCollect(ctx, invoice) });
    }
    if (invoice.status === 'open' && invoice.next_payment_attempt !== null) {
      steps.push({ at: invoice.next_payment_attempt, run: (ctx) => retry(ctx, invoice) });
    }
  }
  steps.push({ at: currentPeriodEnd(subscription), run: (ctx) => renew(ctx, subscription) });
  return steps;
}

/**
 * Runs every billing step that is due for the account's subscriptions, earliest first.
 * `timeOf(subscription)` is the subscription's present (undefined: leave it alone), so the
 * simulator clock and each Test Clock move their own subscriptions only.
 */
export function runBilling(
  core: SimulatorCore,
  account: AccountState,
  timeOf: (subscription: Subscription) => number | undefined,
): void {
  for (let count = 0; count < MAX_STEPS; count += 1) {
    let due: Step | undefined;
    for (const subscription of account.list('subscription')) {
      const now = timeOf(subscription);
      if (now === undefined) continue;
      for (const step of stepsOf(account, subscription)) {
        if (step.at <= now && (!due || step.at < due.at)) due = step;
      }
    }
    if (!due) return;
    due.run({ ...createContext(core, account, 'secret', NO_REQUEST), now: due.at });
  }
}

/** Moves the subscriptions that follow the simulator clock (not those on a Test Clock) up to now. */
export function runBillingOnSimulatorClock(core: SimulatorCore, account: AccountState): void {
  const now = core.clock.nowSeconds();
  runBilling(core, account, (subscription) => (subscription.test_clock ? undefined : now));
}
