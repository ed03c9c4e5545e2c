import type { RequestContext } from '../core.ts';
import { newId } from '../ids.ts';
import type { Invoice, InvoiceLineItem, Subscription } from '../objects.ts';
import type { AccountState } from '../store.ts';
import { findCustomer } from './customer-lookup.ts';

/**
 * Draft invoices of subscriptions (`in_…`, status `draft`) with their line items, and the link from
 * an invoice to its subscription. The first step of invoicing, below its collection
 * (`invoice-collection.ts`), the subscription cycle and the route modules that all make invoices.
 */

/** Renewal invoices stay draft this long (seconds) before Stripe finalizes them (`automatically_finalizes_at`). */
export const DRAFT_PERIOD_SECONDS = 3600;

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
