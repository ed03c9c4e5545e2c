import type { PaymentRecords } from '@basis/payments';
import { type Logger, type Mode, requireModeSecrets, type SecretStore } from '@basis/shared';
import { mapWithConcurrency } from '../domain/bounded-concurrency.ts';
import { ConcurrentPayoutUpdateError, type PayoutItem, type PayoutRecord } from '../domain/payout.ts';
import {
  advanceReconciliation,
  itemsOfPage,
  type KnownPayment,
  needsReconciliation,
  paymentIdsOf,
} from '../domain/reconciliation.ts';
import type { ContinuationQueue, PayoutStore, PayoutsGateway } from '../ports.ts';

export interface ReconcilePayoutDeps {
  payouts: PayoutStore;
  /** Payments' port: a payout links a payment only through it. */
  payments: PaymentRecords;
  secrets: SecretStore;
  stripe: PayoutsGateway;
  continuation: ContinuationQueue;
  logger: Logger;
  now: () => Date;
  /** Below this much remaining invocation time, no new page is started: the rest goes to a continuation message. */
  timeReserveMs: number;
}

export interface PayoutTarget {
  clinicId: string;
  mode: Mode;
  payoutId: string;
}

export type ReconcileOutcome = 'completed' | 'continued' | 'not_needed';

const maxWriteAttempts = 5;
const lookupConcurrency = 8;

async function secretKeyOf(deps: ReconcilePayoutDeps, target: PayoutTarget): Promise<string> {
  // Disconnected: `stripe_not_connected` is thrown, the message retried, then parked in the DLQ.
  return (await requireModeSecrets(deps.secrets, target.clinicId, target.mode)).secretKey;
}

async function knownPayments(
  deps: ReconcilePayoutDeps,
  clinicId: string,
  mode: Mode,
  paymentIds: readonly string[],
): Promise<Map<string, KnownPayment>> {
  const found = await mapWithConcurrency(paymentIds, lookupConcurrency, async (paymentId) => {
    const payment = await deps.payments.get(clinicId, mode, paymentId);
    return payment ? ([paymentId, { bookingId: payment.bookingId }] as const) : undefined;
  });
  return new Map(found.filter((entry) => entry !== undefined));
}

async function linkPayments(deps: ReconcilePayoutDeps, record: PayoutRecord, items: readonly PayoutItem[]) {
  const paid = items.filter((item) => item.type === 'charge' && item.matched && item.paymentId !== null);
  const paymentIds = [...new Set(paid.map((item) => item.paymentId as string))];
  await mapWithConcurrency(paymentIds, lookupConcurrency, (paymentId) =>
    deps.payments.linkPayout(record.clinicId, record.mode, paymentId, record.payoutId),
  );
}

/**
 * Stores one page of the payout's balance transactions and moves the cursor past it. Items are written before the
 * cursor moves, so a crash in between only makes the next attempt write the same items again (same keys).
 */
async function reconcileOnePage(deps: ReconcilePayoutDeps, record: PayoutRecord, secretKey: string) {
  const from = record.reconciliation.cursor;
  const page = await deps.stripe.listPayoutTransactions(secretKey, record.payoutId, from);
  const known = await knownPayments(deps, record.clinicId, record.mode, paymentIdsOf(page.transactions));
  const items = itemsOfPage(record, page.transactions, known);
  await deps.payouts.putItems(items);
  await linkPayments(deps, record, items);
  const progress = { from, lastId: page.lastId, hasMore: page.hasMore, itemCount: items.length };
  for (let attempt = 1, current: PayoutRecord | undefined = record; current; attempt++) {
    const next = advanceReconciliation(current, progress, deps.now());
    if (!next) return;
    try {
      await deps.payouts.save(next, current.version);
      return;
    } catch (error) {
      if (!(error instanceof ConcurrentPayoutUpdateError) || attempt >= maxWriteAttempts) throw error;
      // An event changed the payout meanwhile, or another worker stored this page: decide again on fresh data.
      current = await deps.payouts.get(record.clinicId, record.mode, record.payoutId);
    }
  }
}

/**
 * Lists a paid payout's balance transactions page by page into payout items, joined to payments, refunds and
 * disputes, and sets `payoutId` on the payments it paid out. Progress (the `starting_after` cursor) is in the
 * payout record after every page, so the work resumes wherever it stopped: when the invocation's remaining time
 * falls below the reserve, a continuation message goes to the payouts queue; after a crash or timeout, the
 * redelivered message finds the cursor. Several workers on one payout are harmless (see advanceReconciliation).
 */
export async function reconcilePayout(
  deps: ReconcilePayoutDeps,
  target: PayoutTarget,
  remainingTimeMs: () => number,
): Promise<ReconcileOutcome> {
  let secretKey: string | undefined;
  for (;;) {
    const record = await deps.payouts.get(target.clinicId, target.mode, target.payoutId);
    if (!record || !needsReconciliation(record)) {
      return record?.reconciliation.status === 'completed' ? 'completed' : 'not_needed';
    }
    if (remainingTimeMs() < deps.timeReserveMs) {
      await deps.continuation.send({
        kind: 'payouts.reconcile',
        ...target,
        requestedAt: deps.now().toISOString(),
      });
      deps.logger.info('payout reconciliation continues in a new invocation', {
        ...target,
        cursor: record.reconciliation.cursor,
        pages: record.reconciliation.pages,
      });
      return 'continued';
    }
    secretKey ??= await secretKeyOf(deps, target);
    await reconcileOnePage(deps, record, secretKey);
  }
}
