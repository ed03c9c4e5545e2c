import type { RequestContext } from '../core.ts';
import { invalidRequest } from '../errors.ts';
import { render } from '../expand.ts';
import type { FormParams } from '../form.ts';
import { derivedToken, newId } from '../ids.ts';
import { PAGINATION_PARAMS, paginate } from '../list.ts';
import type { BalanceTransaction, Payout } from '../objects.ts';
import {
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
import { addBalanceTransaction, availableAmount, settleBalance } from './balance.ts';

export interface PayoutRequest {
  currency: string;
  automatic: boolean;
  /** Manual payouts only; default: the whole available balance. */
  amount?: number;
  failureCode?: string;
  description?: string | null;
  metadata?: Record<string, string>;
}

const FAILURE_MESSAGES: Record<string, string> = {
  account_closed: 'The bank account has been closed.',
  account_frozen: 'The bank account has been frozen.',
  insufficient_funds: 'Your Stripe account has insufficient funds to cover the payout.',
  invalid_account_number: 'The bank account number appears to be invalid.',
  no_account: 'The bank account details on file are probably incorrect.',
};

/** An automatic payout takes every balance transaction not yet paid out (maturing pending funds early). */
function collectForAutomaticPayout(ctx: RequestContext, currency: string): BalanceTransaction[] {
  const { account } = ctx;
  const included = account
    .list('balance_transaction')
    .filter(
      (transaction) =>
        transaction.currency === currency &&
        transaction.type !== 'payout' &&
        !account.payoutOfTransaction.has(transaction.id),
    );
  for (const transaction of included) {
    transaction.available_on = Math.min(transaction.available_on, ctx.now);
    transaction.status = 'available';
  }
  return included;
}

function failPayout(ctx: RequestContext, payout: Payout, failureCode: string): void {
  const failure = addBalanceTransaction(ctx.account, ctx.now, {
    amount: payout.amount,
    currency: payout.currency,
    type: 'payout_failure',
    reportingCategory: 'payout_reversal',
    source: payout.id,
    description: 'STRIPE PAYOUT FAILURE',
  });
  Object.assign(payout, {
    status: 'failed',
    failure_code: failureCode,
    failure_message: FAILURE_MESSAGES[failureCode] ?? 'The payout failed.',
    failure_balance_transaction: failure.id,
  });
  ctx.emit('payout.failed', payout);
}

/**
 * Creates a payout and plays its life: `payout.created`, then `payout.paid` (reconciliation
 * `in_progress` for automatic payouts), then `payout.reconciliation_completed`, or `payout.failed`.
 */
export function createPayout(ctx: RequestContext, request: PayoutRequest): Payout {
  const { account } = ctx;
  settleBalance(account, ctx.now);
  const included = request.automatic ? collectForAutomaticPayout(ctx, request.currency) : [];
  const available = request.automatic
    ? included.reduce((sum, transaction) => sum + transaction.net, 0)
    : availableAmount(account, request.currency);
  const amount = request.automatic ? available : (request.amount ?? available);
  if (amount <= 0 || amount > available) {
    throw invalidRequest(
      'You have insufficient funds in your Stripe account for this transfer. Your card balance is too low. You can use the /v1/balance endpoint to view your Stripe balance (for more details, see stripe.com/docs/api#balance).',
      { code: 'balance_insufficient', param: 'amount' },
    );
  }
  const id = newId('po');
  const transaction = addBalanceTransaction(account, ctx.now, {
    amount: -amount,
    currency: request.currency,
    type: 'payout',
    reportingCategory: 'payout',
    source: id,
    description: 'STRIPE PAYOUT',
  });
  const payout = account.add<Payout>({
    id,
    object: 'payout',
    amount,
    application_fee: null,
    application_fee_amount: null,
    arrival_date: ctx.now,
    automatic: request.automatic,
    balance_transaction: transaction.id,
    created: ctx.now,
    currency: request.currency,
    description: request.description ?? 'STRIPE PAYOUT',
    destination: `ba_1${derivedToken(`${account.accountId}:bank`, 23)}`,
    failure_balance_transaction: null,
    failure_code: null,
    failure_message: null,
    livemode: account.livemode,
    metadata: request.metadata ?? {},
    method: 'standard',
    original_payout: null,
    payout_method: null,
    reconciliation_status: request.automatic ? 'in_progress' : 'not_applicable',
    reversed_by: null,
    source_type: 'card',
    statement_descriptor: null,
    status: 'pending',
    trace_id: { status: 'pending', value: null },
    type: 'bank_account',
  });
  if (request.automatic) {
    for (const item of [...included, transaction]) account.payoutOfTransaction.set(item.id, id);
  }
  ctx.emit('payout.created', payout);
  Object.assign(payout, {
    status: 'paid',
    trace_id: { status: 'supported', value: `SIM${id.slice(3, 15)}` },
  });
  ctx.emit('payout.paid', payout);
  if (request.failureCode) {
    failPayout(ctx, payout, request.failureCode);
    return payout;
  }
  if (request.automatic) {
    payout.reconciliation_status = 'completed';
    ctx.emit('payout.reconciliation_completed', payout);
  }
  return payout;
}

function createManualPayout(ctx: RequestContext, params: FormParams): Payout {
  rejectUnknown(params, [
    'amount',
    'currency',
    'description',
    'metadata',
    'statement_descriptor',
    'method',
    'destination',
  ]);
  return createPayout(ctx, {
    automatic: false,
    amount: requireInteger(params, 'amount'),
    currency: requireString(params, 'currency').toLowerCase(),
    description: readNullableString(params, 'description') ?? null,
    metadata: readMetadata(params) ?? {},
  });
}

export const payoutRoutes: Route[] = [
  {
    method: 'POST',
    pattern: '/v1/payouts',
    family: 'payout',
    handle: ({ ctx, params }) => render(ctx.account, createManualPayout(ctx, params), readExpand(params)),
  },
  {
    method: 'GET',
    pattern: '/v1/payouts',
    family: 'payout',
    handle: ({ ctx, params }) => {
      rejectUnknown(params, [...PAGINATION_PARAMS, 'created', 'arrival_date', 'status', 'destination']);
      const created = readRangeFilter(params, 'created');
      const arrival = readRangeFilter(params, 'arrival_date');
      const status = readString(params, 'status');
      const list = paginate(
        ctx.account.list('payout'),
        params,
        '/v1/payouts',
        (payout) =>
          created(payout.created) &&
          arrival(payout.arrival_date as number) &&
          (!status || payout.status === status),
      );
      return render(ctx.account, list, readExpand(params));
    },
  },
  {
    method: 'GET',
    pattern: '/v1/payouts/:id',
    family: 'payout',
    handle: ({ ctx, params, path }) => {
      rejectUnknown(params, []);
      return render(ctx.account, ctx.account.get('payout', path.id ?? '', 'payout'), readExpand(params));
    },
  },
];
