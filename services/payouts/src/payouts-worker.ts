import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { EventLedger } from '@basis/shared/ledger/event-ledger';
import { type EventOutcome, ledgerEntryOf, type SqsWorker } from '@basis/shared/worker/webhook-event-worker';
import type { Context, SQSRecord } from 'aws-lambda';
import { type PayoutsQueueMessage, payoutsQueueMessageSchema } from './adapters/sqs-continuation-queue.ts';
import { applyPayoutEvent } from './use-cases/apply-payout-event.ts';
import { type ReconcilePayoutDeps, reconcilePayout } from './use-cases/reconcile-payout.ts';

export interface PayoutsWorkerDeps extends ReconcilePayoutDeps {
  /** Where each webhook event's outcome is recorded for support (continuation messages are not events). */
  ledger?: EventLedger;
}

/**
 * Time kept free at the end of an invocation: one page (a Stripe call with the SDK's and our retries, 100 item
 * writes, up to 100 payment links) should fit in it. If one does not, the Lambda times out mid-page and the
 * redelivered message redoes that page from the stored cursor.
 */
export const defaultTimeReserveMs = 30_000;

async function recordInLedger(
  deps: PayoutsWorkerDeps,
  message: PayoutsQueueMessage,
  outcome: EventOutcome | 'failed',
  reason: string | null,
): Promise<void> {
  if (!deps.ledger || message.kind !== 'stripe.webhook_event') return;
  await deps.ledger.record(ledgerEntryOf(message, outcome, reason));
}

function describe(message: PayoutsQueueMessage, record: SQSRecord) {
  const common = {
    clinicId: message.clinicId,
    mode: message.mode,
    messageId: record.messageId,
    receiveCount: record.attributes.ApproximateReceiveCount,
  };
  return message.kind === 'payouts.reconcile'
    ? { ...common, kind: message.kind, payoutId: message.payoutId }
    : { ...common, kind: message.kind, eventId: message.event.id, type: message.event.type };
}

/**
 * The payouts queue's consumer, with partial-batch responses. A webhook event is applied to its payout (at most
 * once, in any order); then, if the payout is paid and Stripe has reconciled it, its balance transactions are
 * listed and joined, page by page, as long as the invocation has time. A continuation message resumes that work.
 * Anything unexpected is thrown: the record alone is retried, then lands in the DLQ.
 */
export function createPayoutsWorker(deps: PayoutsWorkerDeps): SqsWorker {
  const processor = new BatchProcessor(EventType.SQS);

  const handleRecord = async (record: SQSRecord, context: Context) => {
    const message = payoutsQueueMessageSchema.parse(JSON.parse(record.body));
    const described = describe(message, record);
    let step: 'apply' | 'reconcile' = 'apply';
    try {
      let outcome: EventOutcome | undefined;
      let payoutId: string | undefined = message.kind === 'payouts.reconcile' ? message.payoutId : undefined;
      if (message.kind === 'stripe.webhook_event') {
        const applied = await applyPayoutEvent(deps, message);
        outcome = applied.outcome;
        payoutId = applied.record?.payoutId;
        await recordInLedger(deps, message, outcome, null);
      }
      step = 'reconcile';
      // Also after a duplicate or stale event: a crash after the event's write must not strand the reconciliation.
      const reconciliation = payoutId
        ? await reconcilePayout(deps, { clinicId: message.clinicId, mode: message.mode, payoutId }, () =>
            context.getRemainingTimeInMillis(),
          )
        : undefined;
      deps.logger.info('payouts message processed', { ...described, outcome, reconciliation });
    } catch (error) {
      deps.logger.error('payouts message failed', { ...described, step, error });
      if (step === 'apply') {
        // Recorded for support; the record is still retried and, after maxReceiveCount, parked in the DLQ.
        const reason =
          error instanceof Error ? `${error.name}: ${error.message}`.slice(0, 300) : 'unknown error';
        await recordInLedger(deps, message, 'failed', reason).catch((ledgerError: unknown) =>
          deps.logger.error('ledger write failed', { ...described, error: ledgerError }),
        );
      }
      throw error;
    }
  };

  return (event, context) =>
    processPartialResponse(event, (record: SQSRecord) => handleRecord(record, context), processor, {
      context,
      throwOnFullBatchFailure: false,
    });
}
