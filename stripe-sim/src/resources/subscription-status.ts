import type { RequestContext } from '../core.ts';
import {
  type Invoice,
  type PaymentIntent,
  previousAttributes,
  type Subscription,
  snapshot,
} from '../objects.ts';

/**
 * How a subscription's status follows its invoices: paid → `active` (and, with
 * `payment_settings.save_default_payment_method=on_subscription`, the card that paid becomes its
 * default); a failed or unauthenticated attempt on a renewal → `past_due`; after the last retry →
 * `canceled` (`cancellation_details.reason: payment_failed`), Stripe's default setting.
 */
const ENDED = ['canceled', 'incomplete_expired'];

/** Subscriptions being created: their single `customer.subscription.created` carries the final state. */
const creating = new Set<string>();

/** Runs `build` for a new subscription without `customer.subscription.updated` events, then emits `created`. */
export function whileCreating(ctx: RequestContext, subscription: Subscription, build: () => void): void {
  creating.add(subscription.id);
  try {
    build();
  } finally {
    creating.delete(subscription.id);
  }
  ctx.emit('customer.subscription.created', subscription);
}

/** Applies a change and emits `customer.subscription.updated` with `previous_attributes` if anything changed. */
export function changeSubscription(
  ctx: RequestContext,
  subscription: Subscription,
  change: () => void,
): void {
  const before = snapshot(subscription);
  change();
  const previous = previousAttributes(before, subscription);
  if (Object.keys(previous).length > 0 && !creating.has(subscription.id)) {
    ctx.emit('customer.subscription.updated', subscription, previous);
  }
}

function subscriptionFor(ctx: RequestContext, invoice: Invoice): Subscription | undefined {
  const id = invoice.parent?.subscription_details?.subscription;
  const subscription = id ? ctx.account.find('subscription', id) : undefined;
  return subscription && !ENDED.includes(subscription.status) ? subscription : undefined;
}

/** An open invoice of the subscription other than `except` that is still unpaid keeps it past due. */
function hasOtherUnpaid(ctx: RequestContext, subscription: Subscription, except: string): boolean {
  return ctx.account
    .list('invoice')
    .some(
      (invoice) =>
        invoice.id !== except &&
        invoice.status === 'open' &&
        invoice.parent?.subscription_details?.subscription === subscription.id,
    );
}

export function afterInvoicePaid(ctx: RequestContext, invoice: Invoice, intent: PaymentIntent | null): void {
  const subscription = subscriptionFor(ctx, invoice);
  if (!subscription) return;
  changeSubscription(ctx, subscription, () => {
    if (!hasOtherUnpaid(ctx, subscription, invoice.id)) subscription.status = 'active';
    if (
      intent?.payment_method &&
      subscription.payment_settings.save_default_payment_method === 'on_subscription'
    ) {
      subscription.default_payment_method = intent.payment_method;
    }
  });
}

export function afterInvoiceAttemptFailed(
  ctx: RequestContext,
  invoice: Invoice,
  retriesExhausted: boolean,
): void {
  const subscription = subscriptionFor(ctx, invoice);
  if (!subscription || subscription.status === 'incomplete') return;
  if (retriesExhausted) {
    endSubscription(ctx, subscription, 'payment_failed');
    return;
  }
  changeSubscription(ctx, subscription, () => {
    if (subscription.status === 'active') subscription.status = 'past_due';
  });
}

/** Ends a subscription now (`customer.subscription.deleted`). */
export function endSubscription(ctx: RequestContext, subscription: Subscription, reason: string): void {
  Object.assign(subscription, { status: 'canceled', ended_at: ctx.now });
  subscription.canceled_at ??= ctx.now;
  subscription.cancellation_details.reason ??= reason;
  ctx.emit('customer.subscription.deleted', subscription);
}
