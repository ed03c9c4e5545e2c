import {
  type AppliedEvent,
  type EventLedger,
  type Observability,
  queueWorker,
  type WebhookEventMessage,
} from '@basis/shared';
import type { Context } from 'aws-lambda';
import { reconcilePayoutMessageSchema } from './domain/payouts-messages.ts';
import { applyPayoutEvent } from './use-cases/apply-payout-event.ts';
import { type ReconcilePayoutDeps, reconcilePayout } from './use-cases/reconcile-payout.ts';

/**
 * Time kept free at the end of an invocation: one page (a Stripe call with the SDK's and our retries, 100 item
 * writes, up to 100 payment links) should fit in it. If one does not, the Lambda times out mid-page and the
 * redelivered message redoes that page from the stored cursor.
 */
export const defaultTimeReserveMs = 30_000;

/**
 * A payout event is applied to its payout (at most once, in any order); then, if the payout is paid and Stripe has
 * reconciled it, its balance transactions are listed and joined, page by page, as long as the invocation has time.
 * Also after a duplicate or stale event: a crash after the event's write must not strand the reconciliation.
 */
export async function applyPayoutMessage(
  deps: ReconcilePayoutDeps,
  message: WebhookEventMessage,
  context: Context,
): Promise<AppliedEvent> {
  const applied = await applyPayoutEvent(deps, message);
  const payoutId = applied.record?.payoutId;
  if (!payoutId) return applied.outcome;
  return {
    outcome: applied.outcome,
    followUp: () =>
      reconcilePayout(deps, { clinicId: message.clinicId, mode: message.mode, payoutId }, () =>
        context.getRemainingTimeInMillis(),
      ),
  };
}

/** A continuation message: carry on reconciling a payout from its stored cursor. */
export async function continueReconciliation(deps: ReconcilePayoutDeps, body: unknown, context: Context) {
  const message = reconcilePayoutMessageSchema.parse(body);
  return reconcilePayout(deps, message, () => context.getRemainingTimeInMillis());
}

/** The payouts queue's consumer on the worker kit: webhook events, then continuations of reconciliations. */
export function createPayoutsWorker(
  deps: ReconcilePayoutDeps,
  observability: Observability,
  ledger: EventLedger,
) {
  return queueWorker({
    queue: 'payouts',
    observability,
    ledger,
    applyEvent: (message, context) => applyPayoutMessage(deps, message, context),
    internal: { 'payouts.reconcile': (body, context) => continueReconciliation(deps, body, context) },
  });
}
