import type { RequestContext } from '../core.ts';
import { render } from '../expand.ts';
import { newId } from '../ids.ts';
import { PAGINATION_PARAMS, paginate } from '../list.ts';
import type { Invoice, InvoicePayment, PaymentIntent } from '../objects.ts';
import { readEnum, readExpand, readString, rejectUnknown } from '../params.ts';
import type { Route } from '../router.ts';
import type { AccountState } from '../store.ts';

/**
 * InvoicePayments (`inpay_…`): since API version 2025-03-31.basil an Invoice no longer names its
 * PaymentIntent; the link is this object. Finalizing an invoice makes its default payment
 * (`is_default: true`, status `open`); paying the PaymentIntent turns it `paid`.
 */
export function createDefaultPayment(
  ctx: RequestContext,
  invoice: Invoice,
  intent: PaymentIntent,
): InvoicePayment {
  return ctx.account.add<InvoicePayment>({
    id: newId('inpay'),
    object: 'invoice_payment',
    amount_paid: null,
    amount_requested: invoice.amount_due,
    created: ctx.now,
    currency: invoice.currency,
    invoice: invoice.id,
    is_default: true,
    livemode: ctx.account.livemode,
    payment: { type: 'payment_intent', payment_intent: intent.id },
    status: 'open',
    status_transitions: { canceled_at: null, paid_at: null },
  });
}

/** The default payment of an invoice (undefined for a draft or a zero-amount invoice). */
export function defaultPaymentOf(account: AccountState, invoiceId: string): InvoicePayment | undefined {
  return account
    .list('invoice_payment')
    .find((payment) => payment.invoice === invoiceId && payment.is_default);
}

/** The invoice payment behind a PaymentIntent, if an invoice created that PaymentIntent. */
export function paymentOfIntent(account: AccountState, intentId: string): InvoicePayment | undefined {
  return account.list('invoice_payment').find((payment) => payment.payment.payment_intent === intentId);
}

export const invoicePaymentRoutes: Route[] = [
  {
    method: 'GET',
    pattern: '/v1/invoice_payments',
    family: 'invoice',
    handle: ({ ctx, params }) => {
      rejectUnknown(params, [...PAGINATION_PARAMS, 'invoice', 'payment', 'status']);
      const invoice = readString(params, 'invoice');
      const intent = readString(params, 'payment', 'payment_intent');
      readEnum(params, ['payment_intent'], 'payment', 'type');
      const status = readEnum(params, ['open', 'paid', 'canceled'], 'status');
      const list = paginate(
        ctx.account.list('invoice_payment'),
        params,
        '/v1/invoice_payments',
        (payment) =>
          (!invoice || payment.invoice === invoice) &&
          (!intent || payment.payment.payment_intent === intent) &&
          (!status || payment.status === status),
      );
      return render(ctx.account, list, readExpand(params));
    },
  },
  {
    method: 'GET',
    pattern: '/v1/invoice_payments/:id',
    family: 'invoice',
    handle: ({ ctx, params, path }) => {
      rejectUnknown(params, []);
      return render(
        ctx.account,
        ctx.account.get('invoice_payment', path.id ?? '', 'invoice_payment'),
        readExpand(params),
      );
    },
  },
];
