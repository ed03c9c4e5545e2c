import type { EventRequest, RequestContext, SimulatorCore } from '../core.ts';
import { createContext } from '../core.ts';
import { invalidRequest } from '../errors.ts';
import { render } from '../expand.ts';
import type { FormParams } from '../form.ts';
import { newId, randomToken } from '../ids.ts';
import { PAGINATION_PARAMS, paginate } from '../list.ts';
import { type Charge, previousAttributes, type Refund, snapshot } from '../objects.ts';
import {
  readEnum,
  readExpand,
  readInteger,
  readMetadata,
  readRangeFilter,
  readString,
  rejectUnknown,
  requireOneOf,
} from '../params.ts';
import type { Route } from '../router.ts';
import type { AccountState } from '../store.ts';
import { addBalanceTransaction } from './balance.ts';

const REASONS = ['duplicate', 'fraudulent', 'requested_by_customer'] as const;
const NO_REQUEST: EventRequest = { id: null, idempotency_key: null };

function money(amount: number, currency: string): string {
  const symbol = currency === 'usd' ? '$' : currency === 'eur' ? '€' : currency === 'gbp' ? '£' : '';
  return `${symbol}${(amount / 100).toFixed(2)}${symbol ? '' : ` ${currency}`}`;
}

function chargeToRefund(ctx: RequestContext, params: FormParams): Charge {
  const chargeId = readString(params, 'charge');
  const intentId = readString(params, 'payment_intent');
  if (chargeId) {
    const charge = ctx.account.get('charge', chargeId, 'charge');
    if (intentId && charge.payment_intent !== intentId) {
      throw invalidRequest(`Charge ${chargeId} does not belong to PaymentIntent ${intentId}.`, {
        param: 'charge',
      });
    }
    return charge;
  }
  const intent = ctx.account.get('payment_intent', intentId ?? '', 'payment_intent');
  const charge = intent.latest_charge ? ctx.account.find('charge', intent.latest_charge) : undefined;
  if (intent.status !== 'succeeded' || !charge || charge.status !== 'succeeded') {
    throw invalidRequest(`This PaymentIntent (${intent.id}) does not have a successful charge to refund.`, {
      param: 'payment_intent',
    });
  }
  return charge;
}

function checkAmount(charge: Charge, requested: number | undefined): number {
  const remaining = charge.amount - charge.amount_refunded;
  if (charge.disputed) {
    throw invalidRequest(`Charge ${charge.id} has been charged back; cannot issue a refund.`, {
      code: 'charge_disputed',
    });
  }
  if (remaining <= 0) {
    throw invalidRequest(`Charge ${charge.id} has already been refunded.`, {
      code: 'charge_already_refunded',
    });
  }
  const amount = requested ?? remaining;
  if (amount <= 0)
    throw invalidRequest('Invalid positive integer', { param: 'amount', code: 'parameter_invalid_integer' });
  if (amount > remaining) {
    throw invalidRequest(
      `Refund amount (${money(amount, charge.currency)}) is greater than unrefunded amount on charge (${money(remaining, charge.currency)})`,
      { param: 'amount', code: 'amount_too_large' },
    );
  }
  return amount;
}

function createRefund(ctx: RequestContext, params: FormParams): Refund {
  rejectUnknown(params, ['amount', 'charge', 'payment_intent', 'reason', 'metadata', 'instructions_email']);
  requireOneOf(params, ['charge', 'payment_intent']);
  const requested = readInteger(params, 'amount');
  const reason = readEnum(params, REASONS, 'reason') ?? null;
  const metadata = readMetadata(params) ?? {};
  const charge = chargeToRefund(ctx, params);
  const amount = checkAmount(charge, requested);
  const id = newId('re');
  const transaction = addBalanceTransaction(ctx.account, ctx.now, {
    amount: -amount,
    currency: charge.currency,
    type: 'refund',
    reportingCategory: 'refund',
    source: id,
    description: 'REFUND FOR CHARGE',
  });
  const refund = ctx.account.add<Refund>({
    id,
    object: 'refund',
    amount,
    balance_transaction: transaction.id,
    charge: charge.id,
    created: ctx.now,
    currency: charge.currency,
    customer: null,
    customer_account: null,
    destination_details: {
      card: {
        reference: randomToken(23),
        reference_status: 'available',
        reference_type: 'acquirer_reference_number',
        type: 'refund',
      },
      type: 'card',
    },
    metadata,
    payment_intent: charge.payment_intent,
    payment_method: null,
    reason,
    receipt_number: null,
    source_transfer_reversal: null,
    status: 'succeeded',
    transfer_reversal: null,
  });
  charge.amount_refunded += amount;
  charge.refunded = charge.amount_refunded >= charge.amount;
  ctx.emit('refund.created', refund);
  ctx.emit('charge.refunded', charge);
  const card = charge.payment_method ? ctx.account.cards.get(charge.payment_method) : undefined;
  if (card?.behaviour.kind === 'refund_fails') {
    const { core, account } = ctx;
    core.timers.schedule(core.options.refundFailureDelayMs, () => failRefund(core, account, refund.id));
  }
  return refund;
}

/** A refund that fails after it succeeded (card closed): money goes back to the balance, charge count down. */
export function failRefund(core: SimulatorCore, account: AccountState, refundId: string): Refund {
  const ctx = createContext(core, account, 'secret', NO_REQUEST);
  const refund = account.get('refund', refundId, 'refund');
  if (refund.status === 'failed') return refund;
  const before = snapshot(refund);
  const transaction = addBalanceTransaction(account, ctx.now, {
    amount: refund.amount,
    currency: refund.currency,
    type: 'refund_failure',
    reportingCategory: 'refund_failure',
    source: refund.id,
    description: 'REFUND FAILURE',
  });
  Object.assign(refund, {
    status: 'failed',
    failure_reason: 'expired_or_canceled_card',
    failure_balance_transaction: transaction.id,
  });
  const charge = account.get('charge', refund.charge, 'charge');
  charge.amount_refunded = Math.max(0, charge.amount_refunded - refund.amount);
  charge.refunded = false;
  const previous = previousAttributes(before, refund);
  ctx.emit('refund.updated', refund, previous);
  ctx.emit('charge.refund.updated', refund, previous);
  ctx.emit('refund.failed', refund);
  return refund;
}

export const refundRoutes: Route[] = [
  {
    method: 'POST',
    pattern: '/v1/refunds',
    family: 'charge',
    handle: ({ ctx, params }) => render(ctx.account, createRefund(ctx, params), readExpand(params)),
  },
  {
    method: 'GET',
    pattern: '/v1/refunds',
    family: 'charge',
    handle: ({ ctx, params }) => {
      rejectUnknown(params, [...PAGINATION_PARAMS, 'charge', 'payment_intent', 'created']);
      const charge = readString(params, 'charge');
      const intent = readString(params, 'payment_intent');
      const created = readRangeFilter(params, 'created');
      const list = paginate(
        ctx.account.list('refund'),
        params,
        '/v1/refunds',
        (refund) =>
          created(refund.created as number) &&
          (!charge || refund.charge === charge) &&
          (!intent || refund.payment_intent === intent),
      );
      return render(ctx.account, list, readExpand(params));
    },
  },
  {
    method: 'GET',
    pattern: '/v1/refunds/:id',
    family: 'charge',
    handle: ({ ctx, params, path }) => {
      rejectUnknown(params, []);
      return render(ctx.account, ctx.account.get('refund', path.id ?? '', 'refund'), readExpand(params));
    },
  },
  {
    method: 'POST',
    pattern: '/v1/refunds/:id',
    family: 'charge',
    handle: ({ ctx, params, path }) => {
      rejectUnknown(params, ['metadata']);
      const refund = ctx.account.get('refund', path.id ?? '', 'refund');
      const before = snapshot(refund);
      const metadata = readMetadata(params, refund.metadata);
      if (metadata) refund.metadata = metadata;
      const previous = previousAttributes(before, refund);
      if (Object.keys(previous).length > 0) ctx.emit('refund.updated', refund, previous);
      return render(ctx.account, refund, readExpand(params));
    },
  },
];
