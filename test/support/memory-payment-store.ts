import { ConcurrentUpdateError, type PaymentSlice } from '../../services/payments/src/domain/payment.ts';
import type { PaymentStore, PaymentWrite } from '../../services/payments/src/ports.ts';

/** Whether every item of `change` finds the version it expects (a new child: none). */
function versionsHold(stored: PaymentSlice, change: PaymentWrite): boolean {
  if (change.payment && change.payment.expectedVersion !== stored.payment.version) return false;
  const refundsHold = (change.refunds ?? []).every(
    (refund) =>
      (stored.refunds.find((entry) => entry.refundKey === refund.refundKey)?.version ?? 0) ===
      refund.version - 1,
  );
  const disputesHold = (change.disputes ?? []).every(
    (dispute) =>
      (stored.disputes.find((entry) => entry.disputeId === dispute.disputeId)?.version ?? 0) ===
      dispute.version - 1,
  );
  return refundsHold && disputesHold;
}

/**
 * A payment store in memory around one payment and its refunds and disputes, with the same versioned-write contract
 * as the DynamoDB one (each item on its version). `reads` lets a test change what is stored read by read until the
 * first write; `journal` records each write (`save v<payment version>`, or `save refund <key> v<n>` for a refund
 * written alone).
 */
export function memoryPaymentStore(reads: () => PaymentSlice, journal: string[]): PaymentStore {
  let written: PaymentSlice | undefined;
  const current = () => structuredClone(written ?? reads());
  return {
    get: async () => current().payment,
    find: async () => current().payment,
    slice: async () => current(),
    refund: async (_clinic, _mode, _payment, refundKey) =>
      current().refunds.find((refund) => refund.refundKey === refundKey),
    dispute: async (_clinic, _mode, _payment, disputeId) =>
      current().disputes.find((dispute) => dispute.disputeId === disputeId),
    list: async () => ({ items: [current().payment], nextCursor: null }),
    report: async () => [],
    save: async (record, expectedVersion) => {
      const stored = current();
      if (expectedVersion !== stored.payment.version) throw new ConcurrentUpdateError(record.paymentId);
      journal.push(`save v${record.version}`);
      written = { ...stored, payment: structuredClone(record) };
    },
    write: async (change) => {
      const stored = current();
      if (!versionsHold(stored, change)) throw new ConcurrentUpdateError(change.paymentId);
      if (change.payment) journal.push(`save v${change.payment.record.version}`);
      else
        for (const refund of change.refunds ?? [])
          journal.push(`save refund ${refund.refundKey} v${refund.version}`);
      const refunds = new Map(stored.refunds.map((refund) => [refund.refundKey, refund]));
      for (const refund of change.refunds ?? []) refunds.set(refund.refundKey, structuredClone(refund));
      const disputes = new Map(stored.disputes.map((dispute) => [dispute.disputeId, dispute]));
      for (const dispute of change.disputes ?? []) disputes.set(dispute.disputeId, structuredClone(dispute));
      written = {
        payment: change.payment ? structuredClone(change.payment.record) : stored.payment,
        refunds: [...refunds.values()],
        disputes: [...disputes.values()],
      };
    },
  };
}
