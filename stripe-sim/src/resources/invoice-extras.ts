import type { ExpandExtras } from '../expand.ts';
import type { Invoice } from '../objects.ts';
import { intentOf } from './invoice-collection.ts';

/**
 * Includable fields, as Stripe renders them only when asked for with `expand[]`:
 * `confirmation_secret` (the PaymentIntent's client secret, null for a draft or zero invoice) and `payments`.
 * The invoice and subscription routes both render with them (`latest_invoice.confirmation_secret`).
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
