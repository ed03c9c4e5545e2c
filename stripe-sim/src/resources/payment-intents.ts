import type { RequestContext } from '../core.ts';
import { invalidRequest, invalidValue, unexpectedState } from '../errors.ts';
import { render } from '../expand.ts';
import type { FormParams } from '../form.ts';
import { PAGINATION_PARAMS, paginate } from '../list.ts';
import { type PaymentIntent, snapshot } from '../objects.ts';
import {
  readBoolean,
  readEnum,
  readExpand,
  readMetadata,
  readNullableString,
  readRangeFilter,
  readString,
  rejectUnknown,
  requireInteger,
  requireString,
} from '../params.ts';
import type { Route } from '../router.ts';
import { checkClientSecret, checkReturnUrl } from './client-secret.ts';
import { findCustomer } from './customer-lookup.ts';
import { assignPaymentMethod, CONFIRMABLE, confirmWith } from './payment-attempts.ts';
import { newPaymentIntent } from './payment-intent-factory.ts';
import { readMethodTypes } from './payment-method-types.ts';

const CREATE_PARAMS = [
  'amount',
  'currency',
  'customer',
  'description',
  'metadata',
  'payment_method',
  'payment_method_types',
  'allowed_payment_method_types',
  'excluded_payment_method_types',
  'payment_method_options',
  'automatic_payment_methods',
  'setup_future_usage',
  'confirm',
  'off_session',
  'return_url',
  'receipt_email',
  'statement_descriptor',
  'statement_descriptor_suffix',
  'capture_method',
] as const;
const UPDATE_PARAMS = [
  'amount',
  'currency',
  'customer',
  'description',
  'metadata',
  'payment_method',
  'allowed_payment_method_types',
  'receipt_email',
  'setup_future_usage',
  'statement_descriptor',
  'statement_descriptor_suffix',
] as const;
const CONFIRM_PARAMS = [
  'allowed_payment_method_types',
  'payment_method',
  'return_url',
  'off_session',
  'setup_future_usage',
  'client_secret',
  'payment_method_options',
  'receipt_email',
  'use_stripe_sdk',
] as const;
const FUTURE_USAGE = ['on_session', 'off_session'] as const;
const CANCELLATION_REASONS = ['duplicate', 'fraudulent', 'requested_by_customer', 'abandoned'] as const;

function readAmount(params: FormParams): number {
  const amount = requireInteger(params, 'amount');
  const currency = (readString(params, 'currency') ?? 'usd').toLowerCase();
  if (amount < 50) {
    throw invalidRequest(`Amount must be at least $0.50 ${currency}`, {
      param: 'amount',
      code: 'amount_too_small',
    });
  }
  if (amount > 99_999_999) {
    throw invalidRequest('Amount must be no more than $999,999.99', {
      param: 'amount',
      code: 'amount_too_large',
    });
  }
  return amount;
}

function readCurrency(params: FormParams): string {
  const currency = requireString(params, 'currency').toLowerCase();
  if (!/^[a-z]{3}$/.test(currency)) throw invalidValue('currency', `Invalid currency: ${currency}.`);
  return currency;
}

function createPaymentIntent(ctx: RequestContext, params: FormParams): PaymentIntent {
  rejectUnknown(params, CREATE_PARAMS);
  const amount = readAmount(params);
  const currency = readCurrency(params);
  const customerId = readString(params, 'customer');
  if (customerId) findCustomer(ctx.account, customerId);
  const methods = readMethodTypes(ctx, params);
  const captureMethod = readEnum(params, ['automatic', 'automatic_async', 'manual'], 'capture_method');
  if (captureMethod === 'manual') {
    throw invalidValue('capture_method', 'The Stripe simulator does not support capture_method=manual.');
  }
  const confirm = readBoolean(params, 'confirm') ?? false;
  const offSession = readBoolean(params, 'off_session') ?? false;
  if (confirm) checkReturnUrl(ctx, methods, readString(params, 'return_url'), offSession);
  const intent = newPaymentIntent(ctx, amount, currency, {
    allowed_payment_method_types: methods.allowed_payment_method_types,
    automatic_payment_methods: methods.automatic_payment_methods,
    capture_method: captureMethod ?? 'automatic_async',
    customer: customerId ?? null,
    description: readNullableString(params, 'description') ?? null,
    metadata: readMetadata(params) ?? {},
    payment_method_types: methods.payment_method_types,
    receipt_email: readNullableString(params, 'receipt_email') ?? null,
    setup_future_usage: readEnum(params, FUTURE_USAGE, 'setup_future_usage') ?? null,
    statement_descriptor: readNullableString(params, 'statement_descriptor') ?? null,
    statement_descriptor_suffix: readNullableString(params, 'statement_descriptor_suffix') ?? null,
  });

  const paymentMethod = readString(params, 'payment_method');
  if (paymentMethod) {
    assignPaymentMethod(ctx, intent, paymentMethod, 'payment_method');
    intent.status = 'requires_confirmation';
  }
  ctx.account.add(intent);
  ctx.emit('payment_intent.created', intent);
  if (confirm) confirmWith(ctx, intent, undefined, offSession);
  return intent;
}

function confirmPaymentIntent(ctx: RequestContext, id: string, params: FormParams): PaymentIntent {
  rejectUnknown(params, CONFIRM_PARAMS);
  const intent = ctx.account.get('payment_intent', id);
  checkClientSecret(ctx, params, intent, 'PaymentIntent');
  const offSession = readBoolean(params, 'off_session') ?? false;
  const futureUsage = readEnum(params, FUTURE_USAGE, 'setup_future_usage');
  if (CONFIRMABLE.includes(intent.status)) {
    checkReturnUrl(ctx, intent, readString(params, 'return_url'), offSession);
  }
  if (futureUsage) intent.setup_future_usage = futureUsage;
  confirmWith(ctx, intent, readString(params, 'payment_method'), offSession);
  return intent;
}

function updatePaymentIntent(ctx: RequestContext, id: string, params: FormParams): PaymentIntent {
  rejectUnknown(params, UPDATE_PARAMS);
  const intent = ctx.account.get('payment_intent', id);
  const onlyAnnotations = Object.keys(params).every((key) =>
    ['metadata', 'description', 'expand'].includes(key),
  );
  if (!onlyAnnotations && !CONFIRMABLE.includes(intent.status)) {
    throw unexpectedState(
      'payment_intent_unexpected_state',
      `This PaymentIntent's ${Object.keys(params)[0]} could not be updated because it has a status of ${intent.status}. You may only update the ${Object.keys(params)[0]} of a PaymentIntent with one of the following statuses: requires_payment_method, requires_confirmation, requires_action.`,
      { payment_intent: snapshot(intent) },
    );
  }
  if (params.amount !== undefined) intent.amount = readAmount(params);
  if (params.currency !== undefined) intent.currency = readCurrency(params);
  const customerId = readString(params, 'customer');
  if (customerId) intent.customer = findCustomer(ctx.account, customerId).id;
  const description = readNullableString(params, 'description');
  if (description !== undefined) intent.description = description;
  const metadata = readMetadata(params, intent.metadata);
  if (metadata) intent.metadata = metadata;
  const futureUsage = readNullableString(params, 'setup_future_usage');
  if (futureUsage !== undefined) {
    intent.setup_future_usage =
      futureUsage === null ? null : (readEnum(params, FUTURE_USAGE, 'setup_future_usage') ?? null);
  }
  const paymentMethod = readString(params, 'payment_method');
  if (paymentMethod) {
    assignPaymentMethod(ctx, intent, paymentMethod, 'payment_method');
    intent.status = 'requires_confirmation';
  }
  return intent;
}

function cancelPaymentIntent(ctx: RequestContext, id: string, params: FormParams): PaymentIntent {
  rejectUnknown(params, ['cancellation_reason']);
  const intent = ctx.account.get('payment_intent', id);
  const reason = readEnum(params, CANCELLATION_REASONS, 'cancellation_reason');
  if (![...CONFIRMABLE, 'processing', 'requires_capture'].includes(intent.status)) {
    throw unexpectedState(
      'payment_intent_unexpected_state',
      `You cannot cancel this PaymentIntent because it has a status of ${intent.status}. Only a PaymentIntent with one of the following statuses may be canceled: requires_payment_method, requires_capture, requires_confirmation, requires_action, processing.`,
      { payment_intent: snapshot(intent) },
    );
  }
  Object.assign(intent, {
    status: 'canceled',
    canceled_at: ctx.now,
    cancellation_reason: reason ?? null,
    next_action: null,
  });
  ctx.emit('payment_intent.canceled', intent);
  return intent;
}

export const paymentIntentRoutes: Route[] = [
  {
    method: 'POST',
    pattern: '/v1/payment_intents',
    family: 'payment_intent',
    handle: ({ ctx, params }) => render(ctx.account, createPaymentIntent(ctx, params), readExpand(params)),
  },
  {
    method: 'GET',
    pattern: '/v1/payment_intents',
    family: 'payment_intent',
    handle: ({ ctx, params }) => {
      rejectUnknown(params, [...PAGINATION_PARAMS, 'created', 'customer']);
      const created = readRangeFilter(params, 'created');
      const customer = readString(params, 'customer');
      const list = paginate(
        ctx.account.list('payment_intent'),
        params,
        '/v1/payment_intents',
        (intent) => created(intent.created as number) && (!customer || intent.customer === customer),
      );
      return render(ctx.account, list, readExpand(params));
    },
  },
  {
    method: 'GET',
    pattern: '/v1/payment_intents/:id',
    family: 'payment_intent',
    publishable: true,
    handle: ({ ctx, params, path }) => {
      rejectUnknown(params, ['client_secret']);
      const intent = ctx.account.get('payment_intent', path.id ?? '');
      checkClientSecret(ctx, params, intent, 'PaymentIntent');
      return render(ctx.account, intent, readExpand(params));
    },
  },
  {
    method: 'POST',
    pattern: '/v1/payment_intents/:id',
    family: 'payment_intent',
    handle: ({ ctx, params, path }) =>
      render(ctx.account, updatePaymentIntent(ctx, path.id ?? '', params), readExpand(params)),
  },
  {
    method: 'POST',
    pattern: '/v1/payment_intents/:id/confirm',
    family: 'payment_intent',
    publishable: true,
    handle: ({ ctx, params, path }) =>
      render(ctx.account, confirmPaymentIntent(ctx, path.id ?? '', params), readExpand(params)),
  },
  {
    method: 'POST',
    pattern: '/v1/payment_intents/:id/cancel',
    family: 'payment_intent',
    handle: ({ ctx, params, path }) =>
      render(ctx.account, cancelPaymentIntent(ctx, path.id ?? '', params), readExpand(params)),
  },
];
