import type { RequestContext } from '../core.ts';
import { invalidRequest } from '../errors.ts';
import { render } from '../expand.ts';
import type { FormParams } from '../form.ts';
import { newId } from '../ids.ts';
import { PAGINATION_PARAMS, paginate } from '../list.ts';
import type { BalanceTransaction } from '../objects.ts';
import { readExpand, readRangeFilter, readString, rejectUnknown } from '../params.ts';
import type { Route } from '../router.ts';
import type { AccountState } from '../store.ts';

/** Card funds become available two days after the charge (payouts made by `/_sim/payouts` mature them early). */
export const AVAILABILITY_DELAY_SECONDS = 2 * 86_400;

/** Stripe's standard US card pricing: 2.9% + 30¢. */
export function stripeFee(amount: number): number {
  return Math.round(amount * 0.029) + 30;
}

export interface BalanceTransactionInput {
  amount: number;
  currency: string;
  fee?: number;
  feeDescription?: string;
  type: string;
  reportingCategory: string;
  source: string | null;
  description: string | null;
  availableOn?: number;
}

export function addBalanceTransaction(
  account: AccountState,
  now: number,
  input: BalanceTransactionInput,
): BalanceTransaction {
  const fee = input.fee ?? 0;
  const availableOn = input.availableOn ?? now;
  return account.add<BalanceTransaction>({
    id: newId('txn'),
    object: 'balance_transaction',
    amount: input.amount,
    available_on: availableOn,
    balance_type: 'payments',
    created: now,
    currency: input.currency,
    description: input.description,
    exchange_rate: null,
    fee,
    fee_details:
      fee === 0
        ? []
        : [
            {
              amount: fee,
              application: null,
              currency: input.currency,
              description: input.feeDescription ?? 'Stripe processing fees',
              type: 'stripe_fee',
            },
          ],
    net: input.amount - fee,
    reporting_category: input.reportingCategory,
    source: input.source,
    status: availableOn <= now ? 'available' : 'pending',
    type: input.type,
  });
}

/** Moves pending balance transactions whose `available_on` has come to `available`. */
export function settleBalance(account: AccountState, now: number): void {
  for (const transaction of account.list('balance_transaction')) {
    if (transaction.status === 'pending' && transaction.available_on <= now) transaction.status = 'available';
  }
}

export function availableAmount(account: AccountState, currency: string): number {
  return account
    .list('balance_transaction')
    .filter((transaction) => transaction.currency === currency && transaction.status === 'available')
    .reduce((sum, transaction) => sum + transaction.net, 0);
}

function balanceObject(account: AccountState): Record<string, unknown> {
  const sums = new Map<string, { available: number; pending: number }>();
  for (const transaction of account.list('balance_transaction')) {
    const entry = sums.get(transaction.currency) ?? { available: 0, pending: 0 };
    entry[transaction.status] += transaction.net;
    sums.set(transaction.currency, entry);
  }
  if (sums.size === 0) sums.set('usd', { available: 0, pending: 0 });
  const amounts = (kind: 'available' | 'pending') =>
    [...sums].map(([currency, entry]) => ({
      amount: entry[kind],
      currency,
      source_types: { card: entry[kind] },
    }));
  return {
    object: 'balance',
    available: amounts('available'),
    connect_reserved: [],
    livemode: account.livemode,
    pending: amounts('pending'),
    refund_and_dispute_prefunding: { available: [], pending: [] },
  };
}

function listBalanceTransactions(ctx: RequestContext, params: FormParams): unknown {
  rejectUnknown(params, [...PAGINATION_PARAMS, 'created', 'currency', 'payout', 'source', 'type']);
  const { account } = ctx;
  const created = readRangeFilter(params, 'created');
  const currency = readString(params, 'currency');
  const source = readString(params, 'source');
  const type = readString(params, 'type');
  const payoutId = readString(params, 'payout');
  if (payoutId !== undefined) {
    const payout = account.get('payout', payoutId, 'payout');
    if (!payout.automatic) {
      throw invalidRequest(
        'Balance transaction history can only be filtered on automatic transfers, not manual.',
        {
          param: 'payout',
        },
      );
    }
  }
  const list = paginate(
    account.list('balance_transaction'),
    params,
    '/v1/balance_transactions',
    (transaction) =>
      created(transaction.created) &&
      (currency === undefined || transaction.currency === currency) &&
      (source === undefined || transaction.source === source) &&
      (type === undefined || transaction.type === type) &&
      (payoutId === undefined || account.payoutOfTransaction.get(transaction.id) === payoutId),
  );
  return render(account, list, readExpand(params));
}

export const balanceRoutes: Route[] = [
  {
    method: 'GET',
    pattern: '/v1/balance',
    family: 'balance',
    handle: ({ ctx, params }) => {
      rejectUnknown(params, []);
      return balanceObject(ctx.account);
    },
  },
  {
    method: 'GET',
    pattern: '/v1/balance_transactions',
    family: 'balance',
    handle: ({ ctx, params }) => listBalanceTransactions(ctx, params),
  },
  {
    method: 'GET',
    pattern: '/v1/balance_transactions/:id',
    family: 'balance',
    handle: ({ ctx, params, path }) => {
      rejectUnknown(params, []);
      return render(ctx.account, ctx.account.get('balance_transaction', path.id ?? ''), readExpand(params));
    },
  },
];
