import type { RequestContext } from '../core.ts';
import { invalidRequest, invalidValue, parameterMissing, parameterUnknown } from '../errors.ts';
import { render } from '../expand.ts';
import type { FormParams, FormValue } from '../form.ts';
import { newId } from '../ids.ts';
import { PAGINATION_PARAMS, paginate } from '../list.ts';
import type { Customer, Price, Subscription, SubscriptionItem, SubscriptionStatus } from '../objects.ts';
import {
  readBoolean,
  readEnum,
  readExpand,
  readInteger,
  readMetadata,
  readNullableString,
  readRangeFilter,
  readString,
  rejectUnknown,
  requireString,
} from '../params.ts';
import type { Route } from '../router.ts';
import { periodBoundary } from './billing-periods.ts';
import { findCustomer } from './customer-lookup.ts';
import { chargeInvoice, finalizeInvoice, ignoreDecline, intentOf } from './invoice-collection.ts';
import { createSubscriptionInvoice } from './invoice-drafts.ts';
import { invoiceExtras } from './invoice-extras.ts';
import { currentPeriodEnd } from './subscription-cycle.ts';
import { changeSubscription, endSubscription, whileCreating } from './subscription-status.ts';
import { customerNow } from './test-clock-time.ts';

/**
 * Subscriptions (`sub_…`) with licensed, per-unit recurring prices, charged automatically. Since
 * API version 2025-03-31.basil the billing period lives on each item
 * (`items.data[].current_period_start/end`). Creating one makes and finalizes its first invoice
 * (`subscription_create`); what happens to its payment depends on `payment_behavior`:
 *
 * - `allow_incomplete` (default): charged at once with `default_payment_method`, else the customer's
 *   `invoice_settings.default_payment_method`; paid → `active`, otherwise `incomplete`;
 * - `default_incomplete`: never charged here; `incomplete` until the invoice's PaymentIntent is
 *   confirmed (Stripe.js with `latest_invoice.confirmation_secret.client_secret`).
 */
const CREATE_PARAMS = [
  'customer',
  'items',
  'payment_behavior',
  'default_payment_method',
  'payment_settings',
  'metadata',
  'description',
  'off_session',
  'cancel_at_period_end',
  'collection_method',
] as const;
const UPDATE_PARAMS = [
  'cancel_at_period_end',
  'default_payment_method',
  'metadata',
  'description',
  'payment_settings',
  'cancellation_details',
  'proration_behavior',
] as const;
const STATUSES: readonly SubscriptionStatus[] = [
  'incomplete',
  'incomplete_expired',
  'trialing',
  'active',
  'past_due',
  'unpaid',
  'canceled',
  'paused',
];
const ENDED: readonly SubscriptionStatus[] = ['canceled', 'incomplete_expired'];
const FEEDBACK = [
  'customer_service',
  'low_quality',
  'missing_features',
  'other',
  'switched_service',
  'too_complex',
  'too_expensive',
  'unused',
] as const;

interface ItemInput {
  price: Price;
  quantity: number;
}

function rejectUnknownIn(value: FormValue | undefined, allowed: readonly string[], prefix: string): void {
  if (value === undefined || typeof value === 'string' || Array.isArray(value)) return;
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key)) throw parameterUnknown(`${prefix}[${key}]`);
  }
}

function readItems(ctx: RequestContext, params: FormParams): ItemInput[] {
  const raw = params.items;
  if (raw === undefined || raw === '' || (Array.isArray(raw) && raw.length === 0))
    throw parameterMissing('items');
  if (!Array.isArray(raw)) throw invalidValue('items', 'Invalid array: items must be an array.');
  const items = raw.map((value, index) => {
    const param = `items[${index}][price]`;
    rejectUnknownIn(value, ['price', 'quantity', 'metadata'], `items[${index}]`);
    // The readers take a path of object keys; wrap the array element to reuse them.
    const entry: FormParams = { item: value };
    const priceId = readString(entry, 'item', 'price');
    if (!priceId) throw parameterMissing(param);
    const price = ctx.account.get('price', priceId, param);
    if (!price.active) {
      throw invalidRequest('The price specified is inactive. This field only accepts active prices.', {
        param,
      });
    }
    if (price.type !== 'recurring' || !price.recurring) {
      throw invalidRequest(
        'The price specified is set to `type=one_time` but this field only accepts prices with `type=recurring`.',
        { param },
      );
    }
    const quantity = readInteger(entry, 'item', 'quantity') ?? 1;
    if (quantity < 1)
      throw invalidValue(`items[${index}][quantity]`, 'Invalid quantity: must be at least 1.');
    return { price, quantity };
  });
  const [first] = items;
  for (const { price } of items) {
    if (
      price.currency !== first?.price.currency ||
      price.recurring?.interval !== first.price.recurring?.interval ||
      price.recurring?.interval_count !== first.price.recurring?.interval_count
    ) {
      throw invalidRequest('Currency and interval fields must match across all plans on this subscription.', {
        param: 'items',
      });
    }
  }
  return items;
}

/** The legacy `plan` view of a price that subscription items still carry. */
function planOf(price: Price): Record<string, unknown> {
  return {
    id: price.id,
    object: 'plan',
    active: price.active,
    amount: price.unit_amount,
    amount_decimal: String(price.unit_amount),
    billing_scheme: 'per_unit',
    created: price.created,
    currency: price.currency,
    interval: price.recurring?.interval,
    interval_count: price.recurring?.interval_count,
    livemode: price.livemode,
    metadata: { ...price.metadata },
    meter: null,
    nickname: price.nickname ?? null,
    product: price.product,
    tiers_mode: null,
    transform_usage: null,
    trial_period_days: null,
    usage_type: 'licensed',
  };
}

/** A PaymentMethod id the customer owns (Stripe refuses anyone else's), or null to unset. */
function readOwnedMethod(
  ctx: RequestContext,
  params: FormParams,
  customer: Customer,
): string | null | undefined {
  const value = readNullableString(params, 'default_payment_method');
  if (!value) return value;
  const method = ctx.account.find('payment_method', value);
  if (!method || method.customer !== customer.id) {
    throw invalidRequest(
      `The customer does not have a payment method with the ID ${value}. The payment method must be attached to the customer.`,
      { param: 'default_payment_method' },
    );
  }
  return value;
}

function readSaveSetting(params: FormParams): string | null | undefined {
  if (params.payment_settings === undefined) return undefined;
  rejectUnknownIn(
    params.payment_settings,
    ['save_default_payment_method', 'payment_method_types', 'payment_method_options'],
    'payment_settings',
  );
  return readEnum(params, ['off', 'on_subscription'], 'payment_settings', 'save_default_payment_method');
}

function buildSubscription(
  ctx: RequestContext,
  customer: Customer,
  items: readonly ItemInput[],
  params: FormParams,
): Subscription {
  const id = newId('sub');
  const recurring = items[0]?.price.recurring ?? { interval: 'month' as const, interval_count: 1 };
  const end = periodBoundary(ctx.now, recurring, 1);
  const data: SubscriptionItem[] = items.map(({ price, quantity }) => ({
    id: newId('si'),
    object: 'subscription_item',
    billing_thresholds: null,
    created: ctx.now,
    current_period_end: end,
    current_period_start: ctx.now,
    discounts: [],
    metadata: {},
    plan: planOf(price),
    price: structuredClone(price),
    quantity,
    subscription: id,
    tax_rates: [],
  }));
  const cancelAtPeriodEnd = readBoolean(params, 'cancel_at_period_end') ?? false;
  return {
    id,
    object: 'subscription',
    application: null,
    application_fee_percent: null,
    automatic_tax: { disabled_reason: null, enabled: false, liability: null },
    billing_cycle_anchor: ctx.now,
    billing_cycle_anchor_config: null,
    billing_mode: { flexible: null, type: 'classic' },
    billing_schedules: [],
    billing_thresholds: null,
    cancel_at: cancelAtPeriodEnd ? end : null,
    cancel_at_period_end: cancelAtPeriodEnd,
    canceled_at: cancelAtPeriodEnd ? ctx.now : null,
    cancellation_details: {
      comment: null,
      feedback: null,
      reason: cancelAtPeriodEnd ? 'cancellation_requested' : null,
    },
    collection_method: 'charge_automatically',
    created: ctx.now,
    currency: items[0]?.price.currency ?? 'usd',
    customer: customer.id,
    customer_account: null,
    days_until_due: null,
    default_payment_method: readOwnedMethod(ctx, params, customer) ?? null,
    default_source: null,
    default_tax_rates: [],
    description: readNullableString(params, 'description') ?? null,
    discounts: [],
    ended_at: null,
    invoice_settings: {
      account_tax_ids: null,
      custom_fields: null,
      description: null,
      footer: null,
      issuer: { type: 'self' },
    },
    items: {
      object: 'list',
      data,
      has_more: false,
      total_count: data.length,
      url: `/v1/subscription_items?subscription=${id}`,
    },
    latest_invoice: null,
    livemode: ctx.account.livemode,
    managed_payments: null,
    metadata: readMetadata(params) ?? {},
    next_pending_invoice_item_invoice: null,
    on_behalf_of: null,
    pause_collection: null,
    payment_settings: {
      payment_method_options: null,
      payment_method_types: null,
      save_default_payment_method: readSaveSetting(params) ?? 'off',
    },
    pending_invoice_item_interval: null,
    pending_setup_intent: null,
    pending_update: null,
    schedule: null,
    start_date: ctx.now,
    status: 'incomplete',
    test_clock: typeof customer.test_clock === 'string' ? customer.test_clock : null,
    transfer_data: null,
    trial_end: null,
    trial_settings: { end_behavior: { missing_payment_method: 'create_invoice' } },
    trial_start: null,
  };
}

function createSubscription(requestCtx: RequestContext, params: FormParams): Subscription {
  rejectUnknown(params, CREATE_PARAMS);
  const customer = findCustomer(requestCtx.account, requireString(params, 'customer'));
  // A customer on a Test Clock lives at the clock's frozen time.
  const ctx: RequestContext = { ...requestCtx, now: customerNow(requestCtx, customer) };
  const behaviour =
    readEnum(
      params,
      ['allow_incomplete', 'default_incomplete', 'error_if_incomplete', 'pending_if_incomplete'],
      'payment_behavior',
    ) ?? 'allow_incomplete';
  if (behaviour === 'error_if_incomplete' || behaviour === 'pending_if_incomplete') {
    throw invalidValue(
      'payment_behavior',
      `The Stripe simulator supports payment_behavior allow_incomplete and default_incomplete, not ${behaviour}.`,
    );
  }
  if (readEnum(params, ['charge_automatically', 'send_invoice'], 'collection_method') === 'send_invoice') {
    throw invalidValue(
      'collection_method',
      'The Stripe simulator supports collection_method=charge_automatically only.',
    );
  }
  const offSession = readBoolean(params, 'off_session') ?? false;
  const items = readItems(ctx, params);
  const subscription = ctx.account.add(buildSubscription(ctx, customer, items, params));
  whileCreating(ctx, subscription, () => {
    const invoice = createSubscriptionInvoice(ctx, subscription, 'subscription_create', {
      start: ctx.now,
      end: ctx.now,
    });
    subscription.latest_invoice = invoice.id;
    finalizeInvoice(ctx, invoice);
    if (invoice.status !== 'open') return;
    const methodId = subscription.default_payment_method ?? customer.invoice_settings.default_payment_method;
    const method = methodId ? ctx.account.find('payment_method', methodId) : undefined;
    if (!method) return;
    if (behaviour === 'default_incomplete') {
      // Not charged: the PaymentIntent waits, ready to confirm with the default payment method.
      const intent = intentOf(ctx.account, invoice);
      if (intent) Object.assign(intent, { payment_method: method.id, status: 'requires_confirmation' });
      return;
    }
    ignoreDecline(() => chargeInvoice(ctx, invoice, method, offSession));
  });
  return subscription;
}

function applyAnnotations(
  ctx: RequestContext,
  subscription: Subscription,
  customer: Customer,
  params: FormParams,
): void {
  const metadata = readMetadata(params, subscription.metadata);
  if (metadata) subscription.metadata = metadata;
  const description = readNullableString(params, 'description');
  if (description !== undefined) subscription.description = description;
  const method = readOwnedMethod(ctx, params, customer);
  if (method !== undefined) subscription.default_payment_method = method;
  const save = readSaveSetting(params);
  if (save !== undefined) subscription.payment_settings.save_default_payment_method = save;
}

function applyCancellationDetails(subscription: Subscription, params: FormParams): void {
  const comment = readNullableString(params, 'cancellation_details', 'comment');
  if (comment !== undefined) subscription.cancellation_details.comment = comment;
  const feedback = readEnum(params, FEEDBACK, 'cancellation_details', 'feedback');
  if (feedback !== undefined) subscription.cancellation_details.feedback = feedback;
}

function updateSubscription(ctx: RequestContext, id: string, params: FormParams): Subscription {
  rejectUnknown(params, UPDATE_PARAMS);
  readEnum(params, ['always_invoice', 'create_prorations', 'none'], 'proration_behavior');
  const subscription = ctx.account.get('subscription', id, 'subscription');
  const changing = Object.keys(params).filter((key) => key !== 'expand');
  if (
    ENDED.includes(subscription.status) &&
    changing.some((key) => !['metadata', 'cancellation_details'].includes(key))
  ) {
    throw invalidRequest('A canceled subscription can only update its cancellation_details and metadata.');
  }
  if (
    subscription.status === 'incomplete' &&
    changing.some((key) => !['metadata', 'default_payment_method'].includes(key))
  ) {
    throw invalidRequest(
      'A subscription with status incomplete can only update its metadata and default payment method until its first invoice is paid.',
    );
  }
  const customer = findCustomer(ctx.account, subscription.customer);
  const now = customerNow(ctx, customer);
  changeSubscription(ctx, subscription, () => {
    applyAnnotations(ctx, subscription, customer, params);
    applyCancellationDetails(subscription, params);
    const cancel = readBoolean(params, 'cancel_at_period_end');
    if (cancel !== undefined && cancel !== subscription.cancel_at_period_end) {
      // Stripe records when the cancellation was asked for, and when it will take effect.
      subscription.cancel_at_period_end = cancel;
      subscription.cancel_at = cancel ? currentPeriodEnd(subscription) : null;
      subscription.canceled_at = cancel ? now : null;
      subscription.cancellation_details.reason = cancel ? 'cancellation_requested' : null;
    }
  });
  return subscription;
}

function cancelSubscription(ctx: RequestContext, id: string, params: FormParams): Subscription {
  rejectUnknown(params, ['invoice_now', 'prorate', 'cancellation_details']);
  readBoolean(params, 'invoice_now');
  readBoolean(params, 'prorate');
  const subscription = ctx.account.get('subscription', id, 'subscription');
  if (ENDED.includes(subscription.status)) {
    throw invalidRequest(`This subscription has already been canceled (status ${subscription.status}).`, {
      code: 'resource_missing',
      status: 404,
      param: 'id',
    });
  }
  const customer = findCustomer(ctx.account, subscription.customer);
  applyCancellationDetails(subscription, params);
  subscription.canceled_at = null;
  subscription.cancellation_details.reason = 'cancellation_requested';
  endSubscription({ ...ctx, now: customerNow(ctx, customer) }, subscription, 'cancellation_requested');
  return subscription;
}

function listSubscriptions(ctx: RequestContext, params: FormParams): unknown {
  rejectUnknown(params, [
    ...PAGINATION_PARAMS,
    'customer',
    'price',
    'status',
    'created',
    'test_clock',
    'collection_method',
  ]);
  const customer = readString(params, 'customer');
  const price = readString(params, 'price');
  const testClock = readString(params, 'test_clock');
  const status = readEnum(params, [...STATUSES, 'all', 'ended'], 'status');
  const created = readRangeFilter(params, 'created');
  const statusMatches = (value: SubscriptionStatus): boolean => {
    if (status === 'all') return true;
    if (status === 'ended') return ENDED.includes(value);
    // Without a status, Stripe lists every subscription that has not been canceled.
    if (status === undefined) return value !== 'canceled';
    return value === status;
  };
  const list = paginate(
    ctx.account.list('subscription'),
    params,
    '/v1/subscriptions',
    (subscription) =>
      (!customer || subscription.customer === customer) &&
      (!price || subscription.items.data.some((item) => item.price.id === price)) &&
      (!testClock || subscription.test_clock === testClock) &&
      statusMatches(subscription.status) &&
      created(subscription.created),
  );
  return render(ctx.account, list, readExpand(params), invoiceExtras);
}

function renderSubscription(ctx: RequestContext, subscription: Subscription, params: FormParams): unknown {
  return render(ctx.account, subscription, readExpand(params), invoiceExtras);
}

export const subscriptionRoutes: Route[] = [
  {
    method: 'POST',
    pattern: '/v1/subscriptions',
    family: 'subscription',
    handle: ({ ctx, params }) => renderSubscription(ctx, createSubscription(ctx, params), params),
  },
  {
    method: 'GET',
    pattern: '/v1/subscriptions',
    family: 'subscription',
    handle: ({ ctx, params }) => listSubscriptions(ctx, params),
  },
  {
    method: 'GET',
    pattern: '/v1/subscriptions/:id',
    family: 'subscription',
    handle: ({ ctx, params, path }) => {
      rejectUnknown(params, []);
      return renderSubscription(ctx, ctx.account.get('subscription', path.id ?? '', 'subscription'), params);
    },
  },
  {
    method: 'POST',
    pattern: '/v1/subscriptions/:id',
    family: 'subscription',
    handle: ({ ctx, params, path }) =>
      renderSubscription(ctx, updateSubscription(ctx, path.id ?? '', params), params),
  },
  {
    method: 'DELETE',
    pattern: '/v1/subscriptions/:id',
    family: 'subscription',
    handle: ({ ctx, params, path }) =>
      renderSubscription(ctx, cancelSubscription(ctx, path.id ?? '', params), params),
  },
];
