import type { BalanceTransactionFacts, PayoutItem, PayoutRecord } from './domain/payout.ts';
import type { ReconcilePayoutMessage } from './domain/payouts-messages.ts';
export interface BalanceTransactionPage {
  transactions: BalanceTransactionFacts[];
  hasMore: boolean;
  /** The id to pass as `startingAfter` for the next page: the last transaction Stripe listed (also a filtered one). */
  lastId: string | null;
}

/** What payout reconciliation asks of Stripe. Every call carries the clinic's key. */
export interface PayoutsGateway {
  /** One page of a payout's balance transactions, newest first, sources expanded. */
  listPayoutTransactions(
    secretKey: string,
    payoutId: string,
    startingAfter: string | null,
  ): Promise<BalanceTransactionPage>;
}

export interface PayoutPage {
  records: PayoutRecord[];
  nextCursor: string | null;
}

/** The port for payout records and their items. */
export interface PayoutStore {
  get(clinicId: string, mode: PayoutRecord['mode'], payoutId: string): Promise<PayoutRecord | undefined>;
  /** Writes the record if the stored version is still `expectedVersion` (undefined: it must not exist yet). */
  save(record: PayoutRecord, expectedVersion: number | undefined): Promise<void>;
  /** Writes items; writing the same item twice leaves one (keyed by balance transaction). */
  putItems(items: readonly PayoutItem[]): Promise<void>;
  /** A payout and its items in one Query. */
  getWithItems(
    clinicId: string,
    mode: PayoutRecord['mode'],
    payoutId: string,
  ): Promise<{ record: PayoutRecord; items: PayoutItem[] } | undefined>;
  /** A clinic's payouts of one mode, newest first. */
  list(
    clinicId: string,
    mode: PayoutRecord['mode'],
    page: { limit: number; cursor?: string },
  ): Promise<PayoutPage>;
}

/** The port the worker uses to hand the rest of a reconciliation to its next invocation. */
export interface ContinuationQueue {
  send(message: ReconcilePayoutMessage): Promise<void>;
}
