import {
  type StripeClientSource,
  stripeErrorClasses,
  stripeLoaderOf,
  translateStripeError,
} from '@basis/shared';
import type Stripe from 'stripe';
import type { BalanceTransactionFacts } from '../domain/payout.ts';
import type { PayoutsGateway } from '../ports.ts';

export interface PayoutsGatewayOptions {
  /** Balance transactions per page (Stripe allows 1–100); tests use a small one to span several pages. */
  pageSize?: number;
  /** Our own bounded retry of rate-limit, connection and 5xx errors, on top of the SDK's `maxNetworkRetries`. */
  attempts?: number;
  baseDelayMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

type Expandable = string | { id: string } | null | undefined;

function idOf(value: Expandable): string | null {
  if (!value) return null;
  return typeof value === 'string' ? value : value.id;
}

const objectByIdPrefix: ReadonlyArray<readonly [string, string]> = [
  ['ch_', 'charge'],
  ['py_', 'charge'],
  ['re_', 'refund'],
  ['pyr_', 'refund'],
  ['dp_', 'dispute'],
  ['du_', 'dispute'],
  ['po_', 'payout'],
];

/** The source of a balance transaction, reduced to the ids that join it to payments. */
export function sourceFacts(source: Stripe.BalanceTransaction['source']): BalanceTransactionFacts['source'] {
  if (!source) return null;
  if (typeof source === 'string') {
    // Not expanded: the id's prefix still tells what it is, though not which payment it belongs to.
    const object = objectByIdPrefix.find(([prefix]) => source.startsWith(prefix))?.[1] ?? 'unknown';
    return { id: source, object, chargeId: object === 'charge' ? source : null, paymentIntentId: null };
  }
  // The SDK types the source as a union of every object that can move money; we read the few ids we join on.
  const expanded = source as unknown as { id: string; object: string } & Record<string, unknown>;
  switch (expanded.object) {
    case 'charge':
      return {
        id: expanded.id,
        object: 'charge',
        chargeId: expanded.id,
        paymentIntentId: idOf(expanded.payment_intent as Expandable),
      };
    case 'refund':
    case 'dispute':
      return {
        id: expanded.id,
        object: expanded.object,
        chargeId: idOf(expanded.charge as Expandable),
        paymentIntentId: idOf(expanded.payment_intent as Expandable),
      };
    default:
      return { id: expanded.id, object: expanded.object, chargeId: null, paymentIntentId: null };
  }
}

export function balanceTransactionFacts(transaction: Stripe.BalanceTransaction): BalanceTransactionFacts {
  return {
    id: transaction.id,
    type: transaction.type,
    reportingCategory: transaction.reporting_category ?? null,
    amount: transaction.amount,
    fee: transaction.fee,
    net: transaction.net,
    currency: transaction.currency,
    created: transaction.created,
    source: sourceFacts(transaction.source),
  };
}

/** Rate limits, connection failures and Stripe's own 5xx are worth another try; anything else is not. */
export async function isRetryableStripeError(error: unknown): Promise<boolean> {
  const errors = await stripeErrorClasses();
  if (error instanceof errors.StripeRateLimitError) return true;
  if (error instanceof errors.StripeConnectionError) return true;
  if (error instanceof errors.StripeAPIError) return true;
  return error instanceof errors.StripeError && (error.statusCode ?? 0) >= 500;
}

async function withRetry<T>(call: () => Promise<T>, options: Required<PayoutsGatewayOptions>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      if (attempt >= options.attempts || !(await isRetryableStripeError(error)))
        throw await translateStripeError(error);
      // Exponential backoff with full jitter.
      await options.sleep(Math.round(Math.random() * options.baseDelayMs * 2 ** (attempt - 1)));
    }
  }
}

export function stripePayoutsGateway(
  source: StripeClientSource,
  options: PayoutsGatewayOptions = {},
): PayoutsGateway {
  const sdk = stripeLoaderOf(source);
  const settings: Required<PayoutsGatewayOptions> = {
    pageSize: options.pageSize ?? 100,
    attempts: options.attempts ?? 4,
    baseDelayMs: options.baseDelayMs ?? 500,
    sleep: options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms))),
  };
  return {
    async listPayoutTransactions(secretKey, payoutId, startingAfter) {
      const page = await withRetry(
        async () =>
          (await sdk()).balanceTransactions.list(
            {
              payout: payoutId,
              limit: settings.pageSize,
              expand: ['data.source'],
              ...(startingAfter ? { starting_after: startingAfter } : {}),
            },
            { apiKey: secretKey },
          ),
        settings,
      );
      const transactions = page.data.map(balanceTransactionFacts);
      return { transactions, hasMore: page.has_more, lastId: transactions.at(-1)?.id ?? null };
    },
  };
}
