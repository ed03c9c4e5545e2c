import type { RequestContext } from '../core.ts';
import { invalidRequest, StripeApiError } from '../errors.ts';
import { type ExpandExtras, render } from '../expand.ts';
import type { FormParams } from '../form.ts';
import { newId } from '../ids.ts';
import { PAGINATION_PARAMS, paginate } from '../list.ts';
import {
  type Invoice,
  type InvoiceLineItem,
  type InvoiceStatus,
  type PaymentMethod,
  previousAttributes,
  type Subscription,
  snapshot,
} from '../objects.ts';
import {
  readBoolean,
  readEnum,
  readExpand,
  readMetadata,
  readRangeFilter,
  readString,
  rejectUnknown,
} from '../params.ts';
import type { Route } from '../router.ts';
import type { AccountState } from '../store.ts';
import { findCustomer } from './customers.ts';
import { createDefaultPayment, defaultPaymentOf } from './invoice-payments.ts';
import { settleFailedAttempt, settleInvoicePaid } from './invoice-settlement.ts';
import { assignPaymentMethod, attemptPayment, CONFIRMABLE } from './payment-attempts.ts';
import { newPaymentIntent } from './payment-intents.ts';

/**
 * Invoices (`in_…`) of subscriptions: made `draft`, finalized to `open` with a PaymentIntent behind
 * them (reachable through the InvoicePayment and `confirmation_secret`), then `paid`, or `void`.
 * Renewal invoices stay draft for an hour before Stripe finalizes them (`automatically_finalizes_at`).
 */
export const DRAFT_PERIOD_SECONDS = 3600;
const STATUSES: readonly InvoiceStatus[] = ['draft', 'open', 'paid', 'uncollectible', 'void'];

/** Stripe's line description: `1 × Membership (at $20.00 / month)`. */
function lineDescription(
  productName: string,
  quantity: number,
  amount: number,
  currency: string,
  interval: string,
  count: number,
): string {
  const money = `${currency === 'usd' ? '$' : `${currency.toUpperCase()} `}${(amount / 100).toFixed(2)}`;
  const every = count === 1 ? `/ ${interval}` : `every ${count} ${interval}s`;
  return `${quantity} × ${productName} (at ${money} ${every})`;
}

function buildLines(account: AccountState, invoiceId: string, subscription: Subscription): Invoice['lines'] {
  const data = subscription.items.data.map((item): InvoiceLineItem => {
    const amount = item.price.unit_amount * item.quantity;
    const recurring = item.price.recurring ?? { interval: 'month', interval_count: 1 };
    const product = account.find('product', item.price.product);
    return {
      id: newId('il'),
      object: 'line_item',
      amount,
      currency: item.price.currency,
      description: lineDescription(
        product?.name ?? item.price.product,
        item.quantity,
        item.price.unit_amount,
        item.price.currency,
        recurring.interval,
        recurring.interval_count,
      ),
      discount_amounts: [],
      discountable: true,
      discounts: [],
      invoice: invoiceId,
      livemode: account.livemode,
      metadata: {},
      parent: {
        invoice_item_details: null,
        subscription_item_details: {
          invoice_item: null,
          proration: false,
          proration_details: { credited_items: null },
          subscription: subscription.id,
          subscription_item: item.id,
        },
        type: 'subscription_item_details',
      },
      period: { end: item.current_period_end, start: item.current_period_start },
      pretax_credit_amounts: [],
      pricing: {
        price_details: { price: item.price.id, product: item.price.product },
        type: 'price_details',
        unit_amount_decimal: String(item.price.unit_amount),
      },
      quantity: item.quantity,
      quantity_decimal: String(item.quantity),
      subscription: subscription.id,
      subtotal: amount,
      taxes: [],
    };
  });
  return {
    object: 'list',
    data,
    has_more: false,
    total_count: data.length,
    url: `/v1/invoices/${invoiceId}/lines`,
  };
}

/**
 * A draft invoice for the subscription's current period (`invoice.created`). `period_start/end`
 * are, as on Stripe, the period whose usage it bills: equal for the first invoice, the period that
 * just ended for a renewal; the lines carry the period being paid for.
 */
export function createSubscriptionInvoice(
  ctx: RequestContext,
  subscription: Subscription,
  billingReason: 'subscription_create' | 'subscription_cycle',
  period: { start: number; end: number },
): Invoice {
  const customer = findCustomer(ctx.account, subscription.customer);
  const id = newId('in');
  const lines = buildLines(ctx.account, id, subscription);
  const total = lines.data.reduce((sum, line) => sum + line.amount, 0);
  const invoice = ctx.account.add<Invoice>({
    id,
    object: 'invoice',
    account_country: 'US',
    account_name: 'Stripe simulator',
    account_tax_ids: null,
    amount_due: total,
    amount_overpaid: 0,
    amount_paid: 0,
    amount_remaining: total,
    amount_shipping: 0,
    application: null,
    attempt_count: 0,
    attempted: false,
    auto_advance: true,
    automatic_tax: { disabled_reason: null, enabled: false, liability: null, provider: null, status: null },
    automatically_finalizes_at:
      billingReason === 'subscription_cycle' ? ctx.now + DRAFT_PERIOD_SECONDS : null,
    billing_reason: billingReason,
    collection_method: 'charge_automatically',
    created: ctx.now,
    currency: subscription.currency,
    custom_fields: null,
    customer: customer.id,
    customer_account: null,
    customer_address: customer.address ?? null,
    customer_email: customer.email ?? null,
    customer_name: customer.name ?? null,
    customer_phone: customer.phone ?? null,
    customer_shipping: customer.shipping ?? null,
    customer_tax_exempt: 'none',
    customer_tax_ids: [],
    default_payment_method: null,
    default_source: null,
    default_tax_rates: [],
    description: null,
    discounts: [],
    due_date: null,
    effective_at: null,
    ending_balance: null,
    footer: null,
    from_invoice: null,
    hosted_invoice_url: null,
    invoice_pdf: null,
    issuer: { type: 'self' },
    last_finalization_error: null,
    latest_revision: null,
    lines,
    livemode: ctx.account.livemode,
    metadata: {},
    next_payment_attempt: null,
    number: null,
    on_behalf_of: null,
    parent: {
      quote_details: null,
      subscription_details: { metadata: { ...subscription.metadata }, subscription: subscription.id },
      type: 'subscription_details',
    },
    payment_settings: { default_mandate: null, payment_method_options: null, payment_method_types: null },
    period_end: period.end,
    period_start: period.start,
    post_payment_credit_notes_amount: 0,
    pre_payment_credit_notes_amount: 0,
    receipt_number: null,
    rendering: null,
    shipping_cost: null,
    shipping_details: null,
    starting_balance: 0,
    statement_descriptor: null,
    status: 'draft',
    status_transitions: { finalized_at: null, marked_uncollectible_at: null, paid_at: null, voided_at: null },
    subtotal: total,
    subtotal_excluding_tax: total,
    test_clock: subscription.test_clock,
    total,
    total_discount_amounts: [],
    total_excluding_tax: total,
    total_pretax_credit_amounts: [],
    total_taxes: [],
    webhooks_delivered_at: null,
  });
  ctx.emit('invoice.created', invoice);
  return invoice;
}

/** The subscription an invoice bills, if any (`parent.subscription_details.subscription` since basil). */
export function subscriptionOf(invoice: Invoice): string | null {
  return invoice.parent?.subscription_details?.subscription ?? null;
}

/**
 * Finalizes a draft: a number, status `open` and, for a non-zero amount, a PaymentIntent with its
 * default InvoicePayment (`payment_intent.created`, `invoice.finalized`). A zero amount is paid at once.
 * The PaymentIntent carries no metadata; its description is Stripe's ("Subscription creation" or
 * "Subscription update") and `setup_future_usage=off_session`, so the card paying it is saved to
 * the customer for the renewals.
 */
export function finalizeInvoice(ctx: RequestContext, invoice: Invoice): void {
  if (invoice.status !== 'draft') {
    throw invalidRequest(`This invoice is already finalized, you can't re-finalize a non-draft invoice.`, {
      code: 'invoice_not_editable',
    });
  }
  const customer = findCustomer(ctx.account, invoice.customer);
  const sequence = Number(customer.next_invoice_sequence ?? 1);
  customer.next_invoice_sequence = sequence + 1;
  Object.assign(invoice, {
    automatically_finalizes_at: null,
    effective_at: ctx.now,
    ending_balance: 0,
    hosted_invoice_url: `https://invoice.stripe.com/i/sim/${invoice.id}`,
    invoice_pdf: `https://pay.stripe.com/invoice/sim/${invoice.id}/pdf`,
    number: `${String(customer.invoice_prefix)}-${String(sequence).padStart(4, '0')}`,
    status: 'open',
  });
  invoice.status_transitions.finalized_at = ctx.now;
  if (invoice.amount_due === 0) {
    ctx.emit('invoice.finalized', invoice);
    settleInvoicePaid(ctx, invoice, null);
    return;
  }
  const intent = ctx.account.add(
    newPaymentIntent(ctx, invoice.amount_due, invoice.currency, {
      customer: invoice.customer,
      description:
        invoice.billing_reason === 'subscription_create' ? 'Subscription creation' : 'Subscription update',
      setup_future_usage: 'off_session',
    }),
  );
  ctx.emit('payment_intent.created', intent);
  createDefaultPayment(ctx, invoice, intent);
  ctx.emit('invoice.finalized', invoice);
}

/** The PaymentIntent of an open invoice's default payment. */
export function intentOf(account: AccountState, invoice: Invoice) {
  const payment = defaultPaymentOf(account, invoice.id);
  return payment ? account.find('payment_intent', payment.payment.payment_intent) : undefined;
}

/**
 * Attempts an open invoice's PaymentIntent with a PaymentMethod of its customer. The outcome reaches
 * the invoice through `onIntentOutcome`; a decline throws Stripe's 402 (callers that bill in the
 * background ignore it with `ignoreDecline`).
 */
export function chargeInvoice(
  ctx: RequestContext,
  invoice: Invoice,
  method: PaymentMethod | null,
  offSession: boolean,
): void {
  const intent = intentOf(ctx.account, invoice);
  if (!intent) return;
  if (!method) {
    settleFailedAttempt(ctx, invoice, 'failed');
    return;
  }
  if (!CONFIRMABLE.includes(intent.status)) return;
  assignPaymentMethod(ctx, intent, method.id, 'payment_method');
  attemptPayment(ctx, intent, method, offSession);
}

/** Runs a background payment attempt: a card decline is an outcome here, not an error. */
export function ignoreDecline(run: () => void): void {
  try {
    run();
  } catch (error) {
    if (!(error instanceof StripeApiError && error.status === 402)) throw error;
  }
}

/** Voids an open invoice (`invoice.voided`); its PaymentIntent is canceled (`void_invoice`). */
export function voidInvoice(ctx: RequestContext, invoice: Invoice): void {
  if (invoice.status !== 'open') {
    throw invalidRequest(`You can only pass in open invoices. This invoice isn't open.`, {
      code: 'invoice_not_editable',
    });
  }
  invoice.status = 'void';
  invoice.next_payment_attempt = null;
  invoice.status_transitions.voided_at = ctx.now;
  const payment = defaultPaymentOf(ctx.account, invoice.id);
  const intent = intentOf(ctx.account, invoice);
  if (payment) {
    payment.status = 'canceled';
    payment.status_transitions.canceled_at = ctx.now;
  }
  if (intent && CONFIRMABLE.includes(intent.status)) {
    Object.assign(intent, {
      status: 'canceled',
      canceled_at: ctx.now,
      cancellation_reason: 'void_invoice',
      next_action: null,
    });
    ctx.emit('payment_intent.canceled', intent);
  }
  ctx.emit('invoice.voided', invoice);
}

/**
 * Includable fields, as Stripe renders them only when asked for with `expand[]`:
 * `confirmation_secret` (the PaymentIntent's client secret, null for a draft or zero invoice) and `payments`.
 */
export const invoiceExtras: ExpandExtras = (account, object, field) => {
  if (object.object !== 'invoice' || typeof object.id !== 'string') return undefined;
  if (field === 'confirmation_secret') {
    const intent = intentOf(account, object as Invoice);
    return intent ? { client_secret: intent.client_secret, type: 'payment_intent' } : null;
  }
  if (field === 'payments') {
    const data = account.list('invoice_payment').filter((payment) => payment.invoice === object.id);
    return {
      object: 'list',
      data: structuredClone(data),
      has_more: false,
      url: `/v1/invoices/${object.id}/payments`,
    };
  }
  return undefined;
};

function payInvoice(ctx: RequestContext, id: string, params: FormParams): Invoice {
  rejectUnknown(params, ['payment_method', 'off_session']);
  const invoice = ctx.account.get('invoice', id, 'invoice');
  if (invoice.status === 'paid')
    throw invalidRequest('Invoice is already paid', { code: 'invoice_not_editable' });
  if (invoice.status === 'void' || invoice.status === 'uncollectible') {
    throw invalidRequest(`This invoice can no longer be paid: it is ${invoice.status}.`, {
      code: 'invoice_not_editable',
    });
  }
  if (invoice.status === 'draft') finalizeInvoice(ctx, invoice);
  if (invoice.status !== 'open') return invoice;
  const methodId = readString(params, 'payment_method') ?? defaultMethodFor(ctx.account, invoice);
  if (!methodId) {
    throw invalidRequest(
      'This customer has no attached payment source or default payment method. Please consider adding a default payment method.',
    );
  }
  const method = ctx.account.get('payment_method', methodId, 'payment_method');
  if (method.customer !== invoice.customer) {
    throw invalidRequest(
      `The PaymentMethod provided (${method.id}) is not attached to this invoice's customer (${invoice.customer}).`,
      { param: 'payment_method' },
    );
  }
  chargeInvoice(ctx, invoice, method, readBoolean(params, 'off_session') ?? true);
  const intent = intentOf(ctx.account, invoice);
  if (intent?.status === 'requires_action') {
    throw invalidRequest('Payment for this invoice requires additional user action.', {
      code: 'invoice_payment_intent_requires_action',
      status: 402,
      saved: true,
    });
  }
  return invoice;
}

/** The payment method an invoice is charged with: its subscription's default, else the customer's. */
export function defaultMethodFor(account: AccountState, invoice: Invoice): string | null {
  const subscriptionId = subscriptionOf(invoice);
  const subscription = subscriptionId ? account.find('subscription', subscriptionId) : undefined;
  const customer = account.find('customer', invoice.customer);
  return subscription?.default_payment_method ?? customer?.invoice_settings.default_payment_method ?? null;
}

function renderInvoice(account: AccountState, invoice: Invoice, params: FormParams): unknown {
  return render(account, invoice, readExpand(params), invoiceExtras);
}

export const invoiceRoutes: Route[] = [
  {
    method: 'GET',
    pattern: '/v1/invoices',
    family: 'invoice',
    handle: ({ ctx, params }) => {
      rejectUnknown(params, [
        ...PAGINATION_PARAMS,
        'customer',
        'subscription',
        'status',
        'created',
        'collection_method',
      ]);
      const customer = readString(params, 'customer');
      const subscription = readString(params, 'subscription');
      const status = readEnum(params, STATUSES, 'status');
      readEnum(params, ['charge_automatically', 'send_invoice'], 'collection_method');
      const created = readRangeFilter(params, 'created');
      const list = paginate(
        ctx.account.list('invoice'),
        params,
        '/v1/invoices',
        (invoice) =>
          (!customer || invoice.customer === customer) &&
          (!subscription || subscriptionOf(invoice) === subscription) &&
          (!status || invoice.status === status) &&
          created(invoice.created),
      );
      return render(ctx.account, list, readExpand(params), invoiceExtras);
    },
  },
  {
    method: 'GET',
    pattern: '/v1/invoices/:id',
    family: 'invoice',
    handle: ({ ctx, params, path }) => {
      rejectUnknown(params, []);
      return renderInvoice(ctx.account, ctx.account.get('invoice', path.id ?? '', 'invoice'), params);
    },
  },
  {
    method: 'GET',
    pattern: '/v1/invoices/:id/lines',
    family: 'invoice',
    handle: ({ ctx, params, path }) => {
      rejectUnknown(params, [...PAGINATION_PARAMS]);
      const invoice = ctx.account.get('invoice', path.id ?? '', 'invoice');
      return render(ctx.account, paginate(invoice.lines.data, params, invoice.lines.url), readExpand(params));
    },
  },
  {
    method: 'POST',
    pattern: '/v1/invoices/:id',
    family: 'invoice',
    handle: ({ ctx, params, path }) => {
      rejectUnknown(params, ['metadata', 'description', 'auto_advance']);
      const invoice = ctx.account.get('invoice', path.id ?? '', 'invoice');
      const before = snapshot(invoice);
      const metadata = readMetadata(params, invoice.metadata as Record<string, string>);
      if (metadata) invoice.metadata = metadata;
      const description = readString(params, 'description');
      if (description !== undefined) invoice.description = description === '' ? null : description;
      const autoAdvance = readBoolean(params, 'auto_advance');
      if (autoAdvance !== undefined) invoice.auto_advance = autoAdvance;
      const previous = previousAttributes(before, invoice);
      if (Object.keys(previous).length > 0) ctx.emit('invoice.updated', invoice, previous);
      return renderInvoice(ctx.account, invoice, params);
    },
  },
  {
    method: 'POST',
    pattern: '/v1/invoices/:id/finalize',
    family: 'invoice',
    handle: ({ ctx, params, path }) => {
      rejectUnknown(params, ['auto_advance']);
      const invoice = ctx.account.get('invoice', path.id ?? '', 'invoice');
      const autoAdvance = readBoolean(params, 'auto_advance');
      if (autoAdvance !== undefined) invoice.auto_advance = autoAdvance;
      finalizeInvoice(ctx, invoice);
      // Automatic collection then attempts the payment shortly after (on the next billing run).
      if (invoice.status === 'open' && invoice.auto_advance && subscriptionOf(invoice)) {
        invoice.next_payment_attempt = ctx.now;
      }
      return renderInvoice(ctx.account, invoice, params);
    },
  },
  {
    method: 'POST',
    pattern: '/v1/invoices/:id/pay',
    family: 'invoice',
    handle: ({ ctx, params, path }) =>
      renderInvoice(ctx.account, payInvoice(ctx, path.id ?? '', params), params),
  },
  {
    method: 'POST',
    pattern: '/v1/invoices/:id/void',
    family: 'invoice',
    handle: ({ ctx, params, path }) => {
      rejectUnknown(params, []);
      const invoice = ctx.account.get('invoice', path.id ?? '', 'invoice');
      voidInvoice(ctx, invoice);
      return renderInvoice(ctx.account, invoice, params);
    },
  },
];
