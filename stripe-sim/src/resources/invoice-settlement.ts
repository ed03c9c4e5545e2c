import type { RequestContext } from '../core.ts';
import type { Invoice, PaymentIntent } from '../objects.ts';
import { defaultPaymentOf, paymentOfIntent } from './invoice-payments.ts';
import { afterInvoiceAttemptFailed, afterInvoicePaid } from './subscription-status.ts';

/**
 * What happens to an invoice when the PaymentIntent behind it succeeds, fails or asks for 3-D
 * Secure, whoever confirmed it: the customer with Stripe.js (publishable key), `invoices.pay`, or a
 * renewal. Payment attempts call `onIntentOutcome`; the invoice then tells its subscription.
 */
export type AttemptOutcome = 'succeeded' | 'failed' | 'requires_action';

/** Stripe's custom retry schedule, in days after the previous failed attempt (4 attempts in all). */
export const RETRY_DELAYS_DAYS: readonly number[] = [3, 5, 7];

/** Marks an open invoice paid (with its PaymentIntent, or none for a zero amount) and emits its events. */
export function settleInvoicePaid(ctx: RequestContext, invoice: Invoice, intent: PaymentIntent | null): void {
  Object.assign(invoice, {
    amount_paid: invoice.amount_due,
    amount_remaining: 0,
    attempted: true,
    next_payment_attempt: null,
    status: 'paid',
  });
  invoice.status_transitions.paid_at = ctx.now;
  if (intent) invoice.attempt_count += 1;
  const payment = defaultPaymentOf(ctx.account, invoice.id);
  if (payment && intent) {
    payment.status = 'paid';
    payment.amount_paid = intent.amount_received;
    payment.status_transitions.paid_at = ctx.now;
    ctx.emit('invoice_payment.paid', payment);
  }
  ctx.emit('invoice.paid', invoice);
  ctx.emit('invoice.payment_succeeded', invoice);
  afterInvoicePaid(ctx, invoice, intent);
}

/**
 * A failed attempt (decline, no payment method) or one waiting for 3-D Secure. Renewal invoices
 * are retried along `RETRY_DELAYS_DAYS`; a payment waiting for the customer is not retried.
 */
export function settleFailedAttempt(
  ctx: RequestContext,
  invoice: Invoice,
  outcome: Exclude<AttemptOutcome, 'succeeded'>,
): void {
  invoice.attempt_count += 1;
  invoice.attempted = true;
  const retries = invoice.billing_reason === 'subscription_cycle' && outcome === 'failed';
  const delay = RETRY_DELAYS_DAYS[invoice.attempt_count - 1];
  invoice.next_payment_attempt = retries && delay !== undefined ? ctx.now + delay * 86_400 : null;
  ctx.emit(outcome === 'failed' ? 'invoice.payment_failed' : 'invoice.payment_action_required', invoice);
  afterInvoiceAttemptFailed(ctx, invoice, retries && delay === undefined);
}

/** Called by every payment attempt on a PaymentIntent; does nothing unless an open invoice owns it. */
export function onIntentOutcome(ctx: RequestContext, intent: PaymentIntent, outcome: AttemptOutcome): void {
  const payment = paymentOfIntent(ctx.account, intent.id);
  if (!payment) return;
  const invoice = ctx.account.find('invoice', payment.invoice);
  if (invoice?.status !== 'open') return;
  if (outcome === 'succeeded') settleInvoicePaid(ctx, invoice, intent);
  else settleFailedAttempt(ctx, invoice, outcome);
}
