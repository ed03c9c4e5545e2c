import type { RequestContext } from '../core.ts';
import { invalidRequest, StripeApiError } from '../errors.ts';
import type { Invoice, PaymentMethod } from '../objects.ts';
import type { AccountState } from '../store.ts';
import { findCustomer } from './customer-lookup.ts';
import { subscriptionOf } from './invoice-drafts.ts';
import { createDefaultPayment, defaultPaymentOf } from './invoice-payments.ts';
import { settleFailedAttempt, settleInvoicePaid } from './invoice-settlement.ts';
import { assignPaymentMethod, attemptPayment, CONFIRMABLE } from './payment-attempts.ts';
import { newPaymentIntent } from './payment-intent-factory.ts';

/**
 * Collecting an invoice: finalize a draft to `open` with a PaymentIntent behind it, charge it with a
 * PaymentMethod, or void it. A cross-resource workflow (invoices, PaymentIntents, InvoicePayments)
 * that the invoice and subscription routes and the subscription cycle call; it imports no route module.
 */

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

/** The payment method an invoice is charged with: its subscription's default, else the customer's. */
export function defaultMethodFor(account: AccountState, invoice: Invoice): string | null {
  const subscriptionId = subscriptionOf(invoice);
  const subscription = subscriptionId ? account.find('subscription', subscriptionId) : undefined;
  const customer = account.find('customer', invoice.customer);
  return subscription?.default_payment_method ?? customer?.invoice_settings.default_payment_method ?? null;
}
