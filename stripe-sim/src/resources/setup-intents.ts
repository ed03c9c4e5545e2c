import type { RequestContext } from '../core.ts';
import { cardError, unexpectedState } from '../errors.ts';
import { render } from '../expand.ts';
import type { FormParams } from '../form.ts';
import { newId, randomToken } from '../ids.ts';
import { PAGINATION_PARAMS, paginate } from '../list.ts';
import { type PaymentMethod, type SetupIntent, snapshot } from '../objects.ts';
import {
  readBoolean,
  readEnum,
  readExpand,
  readMetadata,
  readNullableString,
  readString,
  rejectUnknown,
} from '../params.ts';
import type { Route } from '../router.ts';
import { declineCodeFor } from '../test-cards.ts';
import { checkClientSecret, checkReturnUrl } from './client-secret.ts';
import { findCustomer } from './customer-lookup.ts';
import { assignPaymentMethod, CONFIRMABLE, docUrl } from './payment-attempts.ts';
import { readMethodTypes } from './payment-method-types.ts';
import { attachPaymentMethod } from './payment-method-usage.ts';

const CREATE_PARAMS = [
  'customer',
  'usage',
  'payment_method_types',
  'allowed_payment_method_types',
  'excluded_payment_method_types',
  'automatic_payment_methods',
  'payment_method',
  'payment_method_options',
  'confirm',
  'return_url',
  'metadata',
  'description',
] as const;
const CONFIRM_PARAMS = [
  'payment_method',
  'return_url',
  'client_secret',
  'payment_method_options',
  'use_stripe_sdk',
] as const;

function succeed(ctx: RequestContext, intent: SetupIntent, method: PaymentMethod): void {
  if (intent.customer && method.customer === null) attachPaymentMethod(ctx, method, intent.customer);
  Object.assign(intent, {
    status: 'succeeded',
    payment_method: method.id,
    next_action: null,
    last_setup_error: null,
  });
  ctx.emit('setup_intent.succeeded', intent);
}

function fail(
  ctx: RequestContext,
  intent: SetupIntent,
  method: PaymentMethod,
  error: Record<string, unknown>,
): void {
  Object.assign(intent, {
    status: 'requires_payment_method',
    payment_method: null,
    next_action: null,
    last_setup_error: { ...error, payment_method: snapshot(method) },
  });
  ctx.emit('setup_intent.setup_failed', intent);
}

function attemptSetup(ctx: RequestContext, intent: SetupIntent, method: PaymentMethod): void {
  intent.latest_attempt = newId('setatt');
  const behaviour = ctx.account.cards.get(method.id)?.behaviour ?? { kind: 'succeeds' as const };
  if (behaviour.kind === 'declines' && !behaviour.setupSucceeds) {
    const code = declineCodeFor(behaviour);
    fail(ctx, intent, method, {
      code,
      decline_code: behaviour.declineCode,
      doc_url: docUrl(code),
      message: behaviour.message,
      type: 'card_error',
    });
    throw cardError(
      { code, declineCode: behaviour.declineCode, message: behaviour.message },
      { setup_intent: snapshot(intent), payment_method: snapshot(method) },
    );
  }
  if (behaviour.kind === 'requires_authentication') {
    Object.assign(intent, {
      status: 'requires_action',
      next_action: {
        type: 'use_stripe_sdk',
        use_stripe_sdk: {
          type: 'three_d_secure_redirect',
          stripe_js: `http://stripe-sim.local/3ds?setup_intent=${intent.id}`,
        },
      },
    });
    ctx.emit('setup_intent.requires_action', intent);
    return;
  }
  succeed(ctx, intent, method);
}

function confirmSetup(ctx: RequestContext, intent: SetupIntent, paymentMethod: string | undefined): void {
  if (!CONFIRMABLE.includes(intent.status)) {
    throw unexpectedState(
      'setup_intent_unexpected_state',
      `You cannot confirm this SetupIntent because it has a status of ${intent.status}.`,
      { setup_intent: snapshot(intent) },
    );
  }
  const methodId = paymentMethod ?? intent.payment_method;
  if (!methodId) {
    throw unexpectedState(
      'setup_intent_unexpected_state',
      "You cannot confirm this SetupIntent because it's missing a payment method.",
      { setup_intent: snapshot(intent) },
    );
  }
  const method = paymentMethod
    ? assignPaymentMethod(ctx, intent, paymentMethod, 'payment_method')
    : ctx.account.get('payment_method', methodId, 'payment_method');
  attemptSetup(ctx, intent, method);
}

/** `/_sim/setup_intents/{id}/3ds`: the customer passes or fails 3-D Secure for a SetupIntent. */
export function completeSetupAuthentication(ctx: RequestContext, intent: SetupIntent, passed: boolean): void {
  if (intent.status !== 'requires_action') {
    throw unexpectedState(
      'setup_intent_unexpected_state',
      `This SetupIntent has a status of ${intent.status}.`,
    );
  }
  const method = ctx.account.get('payment_method', intent.payment_method ?? '', 'payment_method');
  if (passed) {
    succeed(ctx, intent, method);
    return;
  }
  fail(ctx, intent, method, {
    code: 'setup_intent_authentication_failure',
    doc_url: docUrl('setup_intent_authentication_failure'),
    message:
      'The latest attempt to set up the payment method has failed because authentication failed. Provide a new payment method to attempt to set up again.',
    type: 'invalid_request_error',
  });
}

function createSetupIntent(ctx: RequestContext, params: FormParams): SetupIntent {
  rejectUnknown(params, CREATE_PARAMS);
  const customerId = readString(params, 'customer');
  if (customerId) findCustomer(ctx.account, customerId);
  const methods = readMethodTypes(ctx, params);
  const confirm = readBoolean(params, 'confirm') ?? false;
  if (confirm) checkReturnUrl(ctx, methods, readString(params, 'return_url'), false);
  const id = newId('seti');
  const intent = ctx.account.add<SetupIntent>({
    id,
    object: 'setup_intent',
    allowed_payment_method_types: methods.allowed_payment_method_types,
    application: null,
    automatic_payment_methods: methods.automatic_payment_methods,
    cancellation_reason: null,
    client_secret: `${id}_secret_${randomToken(32)}`,
    created: ctx.now,
    customer: customerId ?? null,
    customer_account: null,
    description: readNullableString(params, 'description') ?? null,
    excluded_payment_method_types: null,
    flow_directions: null,
    last_setup_error: null,
    latest_attempt: null,
    livemode: ctx.account.livemode,
    mandate: null,
    metadata: readMetadata(params) ?? {},
    next_action: null,
    on_behalf_of: null,
    payment_method: null,
    payment_method_configuration_details: null,
    payment_method_options: {
      card: { mandate_options: null, network: null, request_three_d_secure: 'automatic' },
    },
    payment_method_types: methods.payment_method_types,
    single_use_mandate: null,
    status: 'requires_payment_method',
    usage: readEnum(params, ['on_session', 'off_session'], 'usage') ?? 'off_session',
  });
  const paymentMethod = readString(params, 'payment_method');
  if (paymentMethod) {
    assignPaymentMethod(ctx, intent, paymentMethod, 'payment_method');
    intent.status = 'requires_confirmation';
  }
  ctx.emit('setup_intent.created', intent);
  if (confirm) confirmSetup(ctx, intent, undefined);
  return intent;
}

export const setupIntentRoutes: Route[] = [
  {
    method: 'POST',
    pattern: '/v1/setup_intents',
    family: 'setup_intent',
    handle: ({ ctx, params }) => render(ctx.account, createSetupIntent(ctx, params), readExpand(params)),
  },
  {
    method: 'GET',
    pattern: '/v1/setup_intents',
    family: 'setup_intent',
    handle: ({ ctx, params }) => {
      rejectUnknown(params, [...PAGINATION_PARAMS, 'customer', 'payment_method']);
      const customer = readString(params, 'customer');
      const method = readString(params, 'payment_method');
      const list = paginate(
        ctx.account.list('setup_intent'),
        params,
        '/v1/setup_intents',
        (intent) =>
          (!customer || intent.customer === customer) && (!method || intent.payment_method === method),
      );
      return render(ctx.account, list, readExpand(params));
    },
  },
  {
    method: 'GET',
    pattern: '/v1/setup_intents/:id',
    family: 'setup_intent',
    publishable: true,
    handle: ({ ctx, params, path }) => {
      rejectUnknown(params, ['client_secret']);
      const intent = ctx.account.get('setup_intent', path.id ?? '');
      checkClientSecret(ctx, params, intent, 'SetupIntent');
      return render(ctx.account, intent, readExpand(params));
    },
  },
  {
    method: 'POST',
    pattern: '/v1/setup_intents/:id',
    family: 'setup_intent',
    handle: ({ ctx, params, path }) => {
      rejectUnknown(params, ['metadata', 'description']);
      const intent = ctx.account.get('setup_intent', path.id ?? '');
      const metadata = readMetadata(params, intent.metadata);
      if (metadata) intent.metadata = metadata;
      const description = readNullableString(params, 'description');
      if (description !== undefined) intent.description = description;
      return render(ctx.account, intent, readExpand(params));
    },
  },
  {
    method: 'POST',
    pattern: '/v1/setup_intents/:id/confirm',
    family: 'setup_intent',
    publishable: true,
    handle: ({ ctx, params, path }) => {
      rejectUnknown(params, CONFIRM_PARAMS);
      const intent = ctx.account.get('setup_intent', path.id ?? '');
      checkClientSecret(ctx, params, intent, 'SetupIntent');
      if (CONFIRMABLE.includes(intent.status)) {
        checkReturnUrl(ctx, intent, readString(params, 'return_url'), false);
      }
      confirmSetup(ctx, intent, readString(params, 'payment_method'));
      return render(ctx.account, intent, readExpand(params));
    },
  },
  {
    method: 'POST',
    pattern: '/v1/setup_intents/:id/cancel',
    family: 'setup_intent',
    handle: ({ ctx, params, path }) => {
      rejectUnknown(params, ['cancellation_reason']);
      const intent = ctx.account.get('setup_intent', path.id ?? '');
      if (!CONFIRMABLE.includes(intent.status)) {
        throw unexpectedState(
          'setup_intent_unexpected_state',
          `You cannot cancel this SetupIntent because it has a status of ${intent.status}.`,
        );
      }
      const reason = readEnum(
        params,
        ['abandoned', 'duplicate', 'requested_by_customer'],
        'cancellation_reason',
      );
      Object.assign(intent, { status: 'canceled', cancellation_reason: reason ?? null, next_action: null });
      ctx.emit('setup_intent.canceled', intent);
      return render(ctx.account, intent, readExpand(params));
    },
  },
];
