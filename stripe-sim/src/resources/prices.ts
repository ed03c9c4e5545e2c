import type { RequestContext } from '../core.ts';
import { invalidRequest, invalidValue } from '../errors.ts';
import { render } from '../expand.ts';
import type { FormParams } from '../form.ts';
import { newId } from '../ids.ts';
import { PAGINATION_PARAMS, paginate } from '../list.ts';
import { type Price, previousAttributes, type RecurringInterval, snapshot } from '../objects.ts';
import {
  readBoolean,
  readEnum,
  readExpand,
  readInteger,
  readMetadata,
  readNullableString,
  readString,
  readStringList,
  rejectUnknown,
  requireInteger,
  requireString,
} from '../params.ts';
import type { Route } from '../router.ts';
import type { AccountState } from '../store.ts';

/**
 * Prices (`price_…`): an amount, a currency and, for subscriptions, a billing interval. As on
 * Stripe the amount, currency and interval never change after creation: only `active`,
 * `metadata`, `nickname` and `lookup_key` are updatable (anything else is an unknown parameter).
 */
const INTERVALS: readonly RecurringInterval[] = ['day', 'week', 'month', 'year'];
/** Stripe's limit: at most one year between billings, whatever the interval. */
const MAX_INTERVAL_COUNT: Record<RecurringInterval, number> = { day: 365, week: 52, month: 12, year: 1 };
const UPDATE_PARAMS = ['active', 'metadata', 'nickname', 'lookup_key', 'transfer_lookup_key'] as const;

function readCurrency(params: FormParams): string {
  const currency = requireString(params, 'currency').toLowerCase();
  if (!/^[a-z]{3}$/.test(currency)) throw invalidValue('currency', `Invalid currency: ${currency}.`);
  return currency;
}

function readRecurring(params: FormParams): Price['recurring'] {
  if (params.recurring === undefined) return null;
  const interval = readEnum(params, INTERVALS, 'recurring', 'interval');
  if (!interval)
    throw invalidRequest('Missing required param: recurring[interval].', {
      param: 'recurring[interval]',
      code: 'parameter_missing',
    });
  const count = readInteger(params, 'recurring', 'interval_count') ?? 1;
  if (count < 1 || count > MAX_INTERVAL_COUNT[interval]) {
    throw invalidValue(
      'recurring[interval_count]',
      'Invalid recurring[interval_count]: the maximum billing period is one year (1 year, 12 months, 52 weeks or 365 days).',
    );
  }
  return { interval, interval_count: count, meter: null, trial_period_days: null, usage_type: 'licensed' };
}

/** `lookup_key` is unique per account; `transfer_lookup_key=true` moves it from the price that has it. */
function applyLookupKey(account: AccountState, price: Price, params: FormParams): void {
  const key = readNullableString(params, 'lookup_key');
  if (key === undefined) return;
  const holder = key === null ? undefined : account.list('price').find((other) => other.lookup_key === key);
  if (holder && holder.id !== price.id) {
    if (!readBoolean(params, 'transfer_lookup_key')) {
      throw invalidRequest(
        `A price (\`${holder.id}\`) already uses that lookup key. Pass \`transfer_lookup_key=true\` to move it to this price.`,
        { param: 'lookup_key' },
      );
    }
    holder.lookup_key = null;
  }
  price.lookup_key = key;
}

function applyAnnotations(price: Price, params: FormParams): void {
  const active = readBoolean(params, 'active');
  if (active !== undefined) price.active = active;
  const nickname = readNullableString(params, 'nickname');
  if (nickname !== undefined) price.nickname = nickname;
  const metadata = readMetadata(params, price.metadata);
  if (metadata) price.metadata = metadata;
}

function createPrice(ctx: RequestContext, params: FormParams): Price {
  rejectUnknown(params, ['product', 'unit_amount', 'currency', 'recurring', ...UPDATE_PARAMS]);
  const productId = requireString(params, 'product');
  const product = ctx.account.get('product', productId, 'product');
  const unitAmount = requireInteger(params, 'unit_amount');
  if (unitAmount < 0) throw invalidValue('unit_amount', 'Invalid unit_amount: must be at least 0.');
  const currency = readCurrency(params);
  const recurring = readRecurring(params);
  const price = ctx.account.add<Price>({
    id: newId('price'),
    object: 'price',
    active: true,
    billing_scheme: 'per_unit',
    created: ctx.now,
    currency,
    custom_unit_amount: null,
    livemode: ctx.account.livemode,
    lookup_key: null,
    metadata: {},
    nickname: null,
    product: product.id,
    recurring,
    tax_behavior: 'unspecified',
    tiers_mode: null,
    transform_quantity: null,
    type: recurring ? 'recurring' : 'one_time',
    unit_amount: unitAmount,
    unit_amount_decimal: String(unitAmount),
  });
  applyAnnotations(price, params);
  applyLookupKey(ctx.account, price, params);
  ctx.emit('price.created', price);
  return price;
}

function updatePrice(ctx: RequestContext, id: string, params: FormParams): Price {
  rejectUnknown(params, UPDATE_PARAMS);
  const price = ctx.account.get('price', id, 'price');
  const before = snapshot(price);
  applyAnnotations(price, params);
  applyLookupKey(ctx.account, price, params);
  const previous = previousAttributes(before, price);
  if (Object.keys(previous).length > 0) ctx.emit('price.updated', price, previous);
  return price;
}

export const priceRoutes: Route[] = [
  {
    method: 'POST',
    pattern: '/v1/prices',
    family: 'plan',
    handle: ({ ctx, params }) => render(ctx.account, createPrice(ctx, params), readExpand(params)),
  },
  {
    method: 'GET',
    pattern: '/v1/prices',
    family: 'plan',
    handle: ({ ctx, params }) => {
      rejectUnknown(params, [...PAGINATION_PARAMS, 'product', 'active', 'type', 'currency', 'lookup_keys']);
      const product = readString(params, 'product');
      const active = readBoolean(params, 'active');
      const type = readEnum(params, ['one_time', 'recurring'], 'type');
      const currency = readString(params, 'currency')?.toLowerCase();
      const lookupKeys = readStringList(params, 'lookup_keys');
      const list = paginate(
        ctx.account.list('price'),
        params,
        '/v1/prices',
        (price) =>
          (!product || price.product === product) &&
          (active === undefined || price.active === active) &&
          (!type || price.type === type) &&
          (!currency || price.currency === currency) &&
          (!lookupKeys || (price.lookup_key !== null && lookupKeys.includes(price.lookup_key))),
      );
      return render(ctx.account, list, readExpand(params));
    },
  },
  {
    method: 'GET',
    pattern: '/v1/prices/:id',
    family: 'plan',
    handle: ({ ctx, params, path }) => {
      rejectUnknown(params, []);
      return render(ctx.account, ctx.account.get('price', path.id ?? '', 'price'), readExpand(params));
    },
  },
  {
    method: 'POST',
    pattern: '/v1/prices/:id',
    family: 'plan',
    handle: ({ ctx, params, path }) =>
      render(ctx.account, updatePrice(ctx, path.id ?? '', params), readExpand(params)),
  },
];
