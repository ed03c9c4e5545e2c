import type { RequestContext } from '../core.ts';
import { invalidRequest, resourceMissing } from '../errors.ts';
import { render } from '../expand.ts';
import type { FormParams } from '../form.ts';
import { PAGINATION_PARAMS, paginate } from '../list.ts';
import { type PaymentMethod, previousAttributes, snapshot } from '../objects.ts';
import {
  readEnum,
  readExpand,
  readMetadata,
  readNullableString,
  readString,
  rejectUnknown,
  requireString,
} from '../params.ts';
import type { Route } from '../router.ts';
import { findTestCard } from '../test-cards.ts';
import { findCustomer } from './customer-lookup.ts';
import {
  attachPaymentMethod,
  createCardPaymentMethod,
  resolvePaymentMethod,
} from './payment-method-usage.ts';

const RAW_CARD_MESSAGE =
  'Sending credit card numbers directly to the Stripe API is generally unsafe. We suggest you use test tokens that map to the test card you are using, see https://stripe.com/docs/testing.';

function detachPaymentMethod(ctx: RequestContext, id: string): PaymentMethod {
  const method = ctx.account.get('payment_method', id, 'payment_method');
  if (method.customer === null) {
    throw invalidRequest(
      'The payment method you provided is not attached to a customer so detachment is impossible.',
      {
        param: 'payment_method',
      },
    );
  }
  const customer = ctx.account.find('customer', method.customer);
  if (customer?.invoice_settings.default_payment_method === method.id) {
    customer.invoice_settings.default_payment_method = null;
  }
  method.customer = null;
  ctx.account.consumedPaymentMethods.add(method.id);
  ctx.emit('payment_method.detached', method);
  return method;
}

function createPaymentMethod(ctx: RequestContext, params: FormParams): PaymentMethod {
  rejectUnknown(params, ['type', 'card', 'billing_details', 'metadata', 'allow_redisplay']);
  readEnum(params, ['card'], 'type');
  requireString(params, 'type');
  if (readString(params, 'card', 'number') !== undefined)
    throw invalidRequest(RAW_CARD_MESSAGE, { param: 'card[number]' });
  const token = requireString(params, 'card', 'token');
  const card = findTestCard(token);
  if (!card) throw resourceMissing('token', token, 'card[token]');
  const method = createCardPaymentMethod(ctx, card);
  applyUpdates(method, params);
  return method;
}

function applyUpdates(method: PaymentMethod, params: FormParams): void {
  const metadata = readMetadata(params, method.metadata);
  if (metadata) method.metadata = metadata;
  for (const field of ['name', 'email', 'phone'] as const) {
    const value = readNullableString(params, 'billing_details', field);
    if (value !== undefined) method.billing_details[field] = value;
  }
}

function listFor(
  ctx: RequestContext,
  params: FormParams,
  customerId: string | undefined,
  url: string,
): unknown {
  if (customerId !== undefined) findCustomer(ctx.account, customerId);
  const type = readString(params, 'type');
  const list = paginate(
    ctx.account.list('payment_method'),
    params,
    url,
    (method) =>
      (customerId === undefined ? method.customer !== null : method.customer === customerId) &&
      (type === undefined || method.type === type),
  );
  return render(ctx.account, list, readExpand(params));
}

export const paymentMethodRoutes: Route[] = [
  {
    method: 'POST',
    pattern: '/v1/payment_methods',
    family: 'payment_method',
    publishable: true,
    handle: ({ ctx, params }) => render(ctx.account, createPaymentMethod(ctx, params), readExpand(params)),
  },
  {
    method: 'GET',
    pattern: '/v1/payment_methods',
    family: 'payment_method',
    handle: ({ ctx, params }) => {
      rejectUnknown(params, [...PAGINATION_PARAMS, 'customer', 'type']);
      return listFor(ctx, params, readString(params, 'customer'), '/v1/payment_methods');
    },
  },
  {
    method: 'GET',
    pattern: '/v1/payment_methods/:id',
    family: 'payment_method',
    handle: ({ ctx, params, path }) => {
      rejectUnknown(params, []);
      return render(
        ctx.account,
        resolvePaymentMethod(ctx, path.id ?? '', 'payment_method'),
        readExpand(params),
      );
    },
  },
  {
    method: 'POST',
    pattern: '/v1/payment_methods/:id',
    family: 'payment_method',
    handle: ({ ctx, params, path }) => {
      rejectUnknown(params, ['billing_details', 'metadata', 'allow_redisplay']);
      const method = ctx.account.get('payment_method', path.id ?? '', 'payment_method');
      const before = snapshot(method);
      applyUpdates(method, params);
      const previous = previousAttributes(before, method);
      if (Object.keys(previous).length > 0) ctx.emit('payment_method.updated', method, previous);
      return render(ctx.account, method, readExpand(params));
    },
  },
  {
    method: 'POST',
    pattern: '/v1/payment_methods/:id/attach',
    family: 'payment_method',
    handle: ({ ctx, params, path }) => {
      rejectUnknown(params, ['customer']);
      const customer = findCustomer(ctx.account, requireString(params, 'customer'));
      const method = resolvePaymentMethod(ctx, path.id ?? '', 'payment_method');
      return render(ctx.account, attachPaymentMethod(ctx, method, customer.id), readExpand(params));
    },
  },
  {
    method: 'POST',
    pattern: '/v1/payment_methods/:id/detach',
    family: 'payment_method',
    handle: ({ ctx, params, path }) => {
      rejectUnknown(params, []);
      return render(ctx.account, detachPaymentMethod(ctx, path.id ?? ''), readExpand(params));
    },
  },
  {
    method: 'GET',
    pattern: '/v1/customers/:customer/payment_methods',
    family: 'payment_method',
    handle: ({ ctx, params, path }) => {
      rejectUnknown(params, [...PAGINATION_PARAMS, 'type', 'allow_redisplay']);
      const customer = path.customer ?? '';
      return listFor(ctx, params, customer, `/v1/customers/${customer}/payment_methods`);
    },
  },
  {
    method: 'GET',
    pattern: '/v1/customers/:customer/payment_methods/:id',
    family: 'payment_method',
    handle: ({ ctx, params, path }) => {
      rejectUnknown(params, []);
      const customer = findCustomer(ctx.account, path.customer ?? '');
      const method = ctx.account.find('payment_method', path.id ?? '');
      if (!method || method.customer !== customer.id) {
        throw resourceMissing('PaymentMethod', path.id ?? '', 'payment_method');
      }
      return render(ctx.account, method, readExpand(params));
    },
  },
];
