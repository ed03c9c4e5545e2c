import type { RequestContext } from '../core.ts';
import { invalidRequest } from '../errors.ts';
import { render } from '../expand.ts';
import type { FormParams } from '../form.ts';
import { PAGINATION_PARAMS, paginate } from '../list.ts';
import { type Invoice, type InvoiceStatus, previousAttributes, snapshot } from '../objects.ts';
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
import {
  chargeInvoice,
  defaultMethodFor,
  finalizeInvoice,
  intentOf,
  voidInvoice,
} from './invoice-collection.ts';
import { subscriptionOf } from './invoice-drafts.ts';
import { invoiceExtras } from './invoice-extras.ts';

/**
 * Invoices (`in_…`) of subscriptions: made `draft`, finalized to `open` with a PaymentIntent behind
 * them (reachable through the InvoicePayment and `confirmation_secret`), then `paid`, or `void`.
 * Renewal invoices stay draft for an hour before Stripe finalizes them (`automatically_finalizes_at`).
 * The routes only; drafts, collection and rendering are in `invoice-drafts.ts`,
 * `invoice-collection.ts` and `invoice-extras.ts`, which the subscription routes and cycle share.
 */
const STATUSES: readonly InvoiceStatus[] = ['draft', 'open', 'paid', 'uncollectible', 'void'];

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
