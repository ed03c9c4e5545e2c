import type { RequestContext } from '../core.ts';
import { invalidRequest } from '../errors.ts';
import { render } from '../expand.ts';
import type { FormParams } from '../form.ts';
import { newId, randomToken } from '../ids.ts';
import { PAGINATION_PARAMS, paginate } from '../list.ts';
import { type Customer, previousAttributes, snapshot } from '../objects.ts';
import {
  readExpand,
  readMetadata,
  readNullableString,
  readRangeFilter,
  readString,
  rejectUnknown,
} from '../params.ts';
import type { Route } from '../router.ts';
import { findCustomer } from './customer-lookup.ts';
import { attachPaymentMethod, resolvePaymentMethod } from './payment-method-usage.ts';
import { endSubscription } from './subscription-status.ts';
import { findTestClock } from './test-clock-time.ts';

const WRITABLE = ['description', 'email', 'metadata', 'name', 'phone', 'invoice_settings'] as const;

function applyDefaultPaymentMethod(ctx: RequestContext, customer: Customer, params: FormParams): void {
  const value = readNullableString(params, 'invoice_settings', 'default_payment_method');
  if (value === undefined) return;
  if (value !== null) {
    const method = ctx.account.find('payment_method', value);
    if (!method || method.customer !== customer.id) {
      throw invalidRequest(
        `The customer does not have a payment method with the ID ${value}. The payment method must be attached to the customer.`,
        { param: 'invoice_settings[default_payment_method]' },
      );
    }
  }
  customer.invoice_settings.default_payment_method = value;
}

function applyFields(customer: Customer, params: FormParams): void {
  for (const field of ['description', 'email', 'name', 'phone'] as const) {
    const value = readNullableString(params, field);
    if (value !== undefined) customer[field] = value;
  }
  const metadata = readMetadata(params, customer.metadata);
  if (metadata) customer.metadata = metadata;
}

function createCustomer(ctx: RequestContext, params: FormParams): Customer {
  rejectUnknown(params, [...WRITABLE, 'payment_method', 'test_clock']);
  const testClock = readString(params, 'test_clock');
  if (testClock) findTestClock(ctx.account, testClock);
  const customer = ctx.account.add<Customer>({
    id: newId('cus'),
    object: 'customer',
    address: null,
    balance: 0,
    created: ctx.now,
    currency: null,
    customer_account: null,
    default_source: null,
    delinquent: false,
    description: null,
    discount: null,
    email: null,
    invoice_prefix: randomToken(8).toUpperCase(),
    invoice_settings: {
      custom_fields: null,
      default_payment_method: null,
      footer: null,
      rendering_options: null,
    },
    livemode: ctx.account.livemode,
    metadata: {},
    name: null,
    next_invoice_sequence: 1,
    phone: null,
    preferred_locales: [],
    shipping: null,
    tax_exempt: 'none',
    test_clock: testClock ?? null,
  });
  applyFields(customer, params);
  ctx.emit('customer.created', customer);
  const paymentMethod = readString(params, 'payment_method');
  if (paymentMethod)
    attachPaymentMethod(ctx, resolvePaymentMethod(ctx, paymentMethod, 'payment_method'), customer.id);
  applyDefaultPaymentMethod(ctx, customer, params);
  return customer;
}

function updateCustomer(ctx: RequestContext, id: string, params: FormParams): Customer {
  rejectUnknown(params, WRITABLE);
  const customer = findCustomer(ctx.account, id);
  const before = snapshot(customer);
  applyFields(customer, params);
  applyDefaultPaymentMethod(ctx, customer, params);
  const previous = previousAttributes(before, customer);
  if (Object.keys(previous).length > 0) ctx.emit('customer.updated', customer, previous);
  return customer;
}

function deleteCustomer(ctx: RequestContext, id: string): unknown {
  const customer = findCustomer(ctx.account, id);
  // As on Stripe, deleting a customer ends its subscriptions at once.
  for (const subscription of ctx.account.list('subscription')) {
    if (subscription.customer !== customer.id) continue;
    if (subscription.status === 'canceled' || subscription.status === 'incomplete_expired') continue;
    endSubscription(ctx, subscription, 'cancellation_requested');
  }
  ctx.emit('customer.deleted', customer);
  const tombstone: Customer = {
    id: customer.id,
    object: 'customer',
    deleted: true,
    metadata: {},
    invoice_settings: { default_payment_method: null },
  };
  ctx.account.objects.set(customer.id, tombstone);
  return { id: customer.id, object: 'customer', deleted: true };
}

export const customerRoutes: Route[] = [
  {
    method: 'POST',
    pattern: '/v1/customers',
    family: 'customer',
    handle: ({ ctx, params }) => render(ctx.account, createCustomer(ctx, params), readExpand(params)),
  },
  {
    method: 'GET',
    pattern: '/v1/customers',
    family: 'customer',
    handle: ({ ctx, params }) => {
      rejectUnknown(params, [...PAGINATION_PARAMS, 'created', 'email']);
      const created = readRangeFilter(params, 'created');
      const email = readString(params, 'email');
      const list = paginate(
        ctx.account.list('customer'),
        params,
        '/v1/customers',
        (customer) =>
          !customer.deleted && created(customer.created as number) && (!email || customer.email === email),
      );
      return render(ctx.account, list, readExpand(params));
    },
  },
  {
    method: 'GET',
    pattern: '/v1/customers/:id',
    family: 'customer',
    handle: ({ ctx, params, path }) => {
      rejectUnknown(params, []);
      const customer = ctx.account.get('customer', path.id ?? '', 'customer');
      if (customer.deleted) return { id: customer.id, object: 'customer', deleted: true };
      return render(ctx.account, customer, readExpand(params));
    },
  },
  {
    method: 'POST',
    pattern: '/v1/customers/:id',
    family: 'customer',
    handle: ({ ctx, params, path }) =>
      render(ctx.account, updateCustomer(ctx, path.id ?? '', params), readExpand(params)),
  },
  {
    method: 'DELETE',
    pattern: '/v1/customers/:id',
    family: 'customer',
    handle: ({ ctx, path }) => deleteCustomer(ctx, path.id ?? ''),
  },
];
