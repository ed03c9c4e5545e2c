import type { DisputeEntry, PaymentRecord, RefundEntry, RefundStatus } from '@basis/payments';
import { stripeIdempotencyKey } from '@basis/shared';

/** A refund's status only moves forward: pending → succeeded → failed or canceled (a card refund can fail late). */
const refundRank: Record<RefundStatus, number> = { pending: 0, succeeded: 1, failed: 2, canceled: 2 };

/** What Stripe says of one refund, from an event, an API answer or a re-read. */
export interface RefundFact {
  refundId: string;
  amount: number;
  /** Stripe's status; `requires_action` counts as pending. */
  status: RefundStatus | 'requires_action';
  reason: string | null;
  failureReason: string | null;
  /** The refund's own `created`. */
  created: number;
  /** When this fact was true (the event's `created`, or the time of the read): later facts of a rank win. */
  factCreated: number;
  /** `metadata.refund_request_id`: ties a Stripe refund to the Basis request that made it. */
  refundKey: string | null;
}

export function refundStatusOf(status: RefundFact['status']): RefundStatus {
  return status === 'requires_action' ? 'pending' : status;
}

/** The refunded amount is the sum of succeeded refunds: a refund that fails later gives its amount back. */
export function withRefundTotals(record: PaymentRecord): PaymentRecord {
  const amountRefunded = record.refunds
    .filter((refund) => refund.status === 'succeeded')
    .reduce((sum, refund) => sum + refund.amount, 0);
  return { ...record, amountRefunded };
}

/** What can still be refunded: pending refunds count, so two concurrent refunds can never exceed the payment. */
export function refundableRemainder(record: PaymentRecord): number {
  const committed = record.refunds
    .filter((refund) => refund.status === 'pending' || refund.status === 'succeeded')
    .reduce((sum, refund) => sum + refund.amount, 0);
  return Math.max(0, record.amount - committed);
}

function findRefund(refunds: readonly RefundEntry[], fact: RefundFact): number {
  const byId = refunds.findIndex((refund) => refund.refundId === fact.refundId);
  if (byId >= 0) return byId;
  return fact.refundKey === null ? -1 : refunds.findIndex((refund) => refund.refundKey === fact.refundKey);
}

function outranks(fact: RefundFact, entry: RefundEntry): boolean {
  const rank = refundRank[refundStatusOf(fact.status)];
  if (rank !== entry.statusRank) return rank > entry.statusRank;
  return fact.factCreated > entry.statusCreated;
}

/**
 * The payment after one fact about one of its refunds, or undefined when the fact changes nothing. Whatever order
 * and repetition the facts come in, each refund ends at its most advanced status, and the totals follow.
 */
export function applyRefundFact(record: PaymentRecord, fact: RefundFact): PaymentRecord | undefined {
  const status = refundStatusOf(fact.status);
  const index = findRefund(record.refunds, fact);
  const refunds = [...record.refunds];
  if (index < 0) {
    // Unknown to Basis: made in the Stripe dashboard, or its request record was lost. Recorded all the same.
    refunds.push({
      refundKey: fact.refundKey ?? `stripe:${fact.refundId}`,
      refundId: fact.refundId,
      amount: fact.amount,
      status,
      reason: fact.reason,
      failureReason: status === 'failed' ? fact.failureReason : null,
      idempotencyKey: null,
      requestedBy: null,
      createdAt: new Date(fact.created * 1000).toISOString(),
      statusRank: refundRank[status],
      statusCreated: fact.factCreated,
    });
  } else {
    const entry = refunds[index] as RefundEntry;
    const gainsId = entry.refundId === null;
    if (!gainsId && !outranks(fact, entry)) return undefined;
    refunds[index] = {
      ...entry,
      refundId: fact.refundId,
      ...(outranks(fact, entry)
        ? {
            status,
            failureReason: status === 'failed' ? fact.failureReason : null,
            statusRank: refundRank[status],
            statusCreated: fact.factCreated,
          }
        : {}),
    };
  }
  return withRefundTotals({ ...record, refunds });
}

export type RefundPlan =
  | { kind: 'existing'; refund: RefundEntry }
  | { kind: 'new'; refund: RefundEntry; record: PaymentRecord }
  | { kind: 'not_refundable'; status: PaymentRecord['status'] }
  | { kind: 'exceeds_remaining'; remaining: number; requested: number };

/** Two identical clicks without an Idempotency-Key within this window make one refund. */
export const refundDedupeWindowMs = 30_000;

/**
 * Whether a keyless request is a repeat of this refund: the same operation, i.e. the same user asking for the same
 * thing (the same amount, or "all that remains": not whatever amount that came to) with the same reason, moments
 * ago, and the refund is still live. A refund Stripe refused is no operation to repeat: asking again makes a new one.
 */
function isSameKeylessRequest(
  refund: RefundEntry,
  request: { amount: number | undefined; reason: string | null; requestedBy: string; now: Date },
): boolean {
  const asked = request.amount ?? null;
  // Recorded before `requestedAmount` existed: only an explicit amount can be matched, by the amount refunded.
  const sameAsk =
    refund.requestedAmount === undefined
      ? asked !== null && refund.amount === asked
      : refund.requestedAmount === asked;
  return (
    refund.requestedBy === request.requestedBy &&
    (refund.status === 'pending' || refund.status === 'succeeded') &&
    sameAsk &&
    refund.reason === request.reason &&
    request.now.getTime() - Date.parse(refund.createdAt) < refundDedupeWindowMs
  );
}

/**
 * Decides a refund request against the payment as stored: the same request key returns the same refund; an
 * identical keyless request by the same user moments ago is the same click twice; otherwise the amount must fit in
 * what remains (pending refunds counted) and the new refund is written `pending` before Stripe is called.
 */
export function planRefund(
  record: PaymentRecord,
  request: {
    refundKey: string | undefined;
    amount: number | undefined;
    reason: string | null;
    requestedBy: string;
    now: Date;
    idempotencyKeyFor: (refundKey: string) => string;
    newRefundKey: () => string;
  },
): RefundPlan {
  if (request.refundKey) {
    const same = record.refunds.find((refund) => refund.refundKey === request.refundKey);
    if (same) return { kind: 'existing', refund: same };
  }
  if (record.status !== 'succeeded') return { kind: 'not_refundable', status: record.status };
  const remaining = refundableRemainder(record);
  if (!request.refundKey) {
    const recent = record.refunds.find((refund) => isSameKeylessRequest(refund, request));
    if (recent) return { kind: 'existing', refund: recent };
  }
  const amount = request.amount ?? remaining;
  if (amount <= 0 || amount > remaining) return { kind: 'exceeds_remaining', remaining, requested: amount };
  const refundKey = request.refundKey ?? request.newRefundKey();
  const refund: RefundEntry = {
    refundKey,
    refundId: null,
    amount,
    status: 'pending',
    reason: request.reason,
    failureReason: null,
    idempotencyKey: request.idempotencyKeyFor(refundKey),
    requestedBy: request.requestedBy,
    requestedAmount: request.amount ?? null,
    createdAt: request.now.toISOString(),
    statusRank: refundRank.pending,
    statusCreated: Math.floor(request.now.getTime() / 1000),
  };
  return {
    kind: 'new',
    refund,
    record: withRefundTotals({ ...record, refunds: [...record.refunds, refund] }),
  };
}

/**
 * A dispute's status only moves forward: an inquiry (warning_*) may become a dispute, which is answered, then
 * closed (won, lost, or an inquiry's warning_closed).
 */
const disputeOrder = ['warning_needs_response', 'warning_under_review', 'needs_response', 'under_review'];

function disputeRank(status: string): number {
  const open = disputeOrder.indexOf(status);
  return open >= 0 ? open : disputeOrder.length;
}

export interface DisputeFact {
  disputeId: string;
  amount: number;
  currency: string;
  status: string;
  reason: string | null;
  evidenceDueBy: number | null;
  created: number;
  factCreated: number;
}

/** The payment after one fact about one of its disputes, or undefined when it changes nothing. */
export function applyDisputeFact(record: PaymentRecord, fact: DisputeFact): PaymentRecord | undefined {
  const rank = disputeRank(fact.status);
  const index = record.disputes.findIndex((dispute) => dispute.disputeId === fact.disputeId);
  const current = index >= 0 ? record.disputes[index] : undefined;
  if (
    current &&
    (rank < current.statusRank || (rank === current.statusRank && fact.factCreated <= current.statusCreated))
  ) {
    return undefined;
  }
  const entry: DisputeEntry = {
    disputeId: fact.disputeId,
    amount: fact.amount,
    currency: fact.currency,
    status: fact.status,
    reason: fact.reason,
    evidenceDueBy: fact.evidenceDueBy === null ? null : new Date(fact.evidenceDueBy * 1000).toISOString(),
    createdAt: new Date(fact.created * 1000).toISOString(),
    statusRank: rank,
    statusCreated: fact.factCreated,
  };
  const disputes = [...record.disputes];
  if (index >= 0) disputes[index] = entry;
  else disputes.push(entry);
  return { ...record, disputes };
}

/** How long after a refund is written pending the worker checks that Stripe has it. */
export const refundReconcileDelaySeconds = 60;

/**
 * The Idempotency-Key sent to Stripe for one refund: the same for every attempt at it, a fixed-length digest
 * whatever the length of the caller's own key.
 */
export function refundIdempotencyKey(clinicId: string, paymentId: string, refundKey: string): string {
  return stripeIdempotencyKey('refund', clinicId, paymentId, refundKey);
}
