import type {
  DisputeEntry,
  PaymentRecord,
  RecentRefundAsk,
  RefundEntry,
  RefundStatus,
} from '@basis/payments';
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

/** What a refund holds of its payment: pending refunds are not refundable, succeeded ones are refunded. */
function moneyOf(refund: Pick<RefundEntry, 'status' | 'amount'> | undefined) {
  return {
    pending: refund?.status === 'pending' ? refund.amount : 0,
    succeeded: refund?.status === 'succeeded' ? refund.amount : 0,
  };
}

/**
 * The payment after one of its refunds changed from `before` to `after`, or undefined when no money moved (then the
 * refund item is written alone). `amountRefunded` is the sum of succeeded refunds (a refund that fails later gives
 * its amount back), `amountRefundPending` that of pending ones; the same-click memory follows the refund's status.
 */
export function paymentAfterRefundChange(
  payment: PaymentRecord,
  before: RefundEntry | undefined,
  after: RefundEntry,
): PaymentRecord | undefined {
  const was = moneyOf(before);
  const is = moneyOf(after);
  if (was.pending === is.pending && was.succeeded === is.succeeded) return undefined;
  return {
    ...payment,
    amountRefunded: Math.max(0, payment.amountRefunded + is.succeeded - was.succeeded),
    amountRefundPending: Math.max(0, payment.amountRefundPending + is.pending - was.pending),
    recentRefundAsks: payment.recentRefundAsks.map((ask) =>
      ask.refundKey === after.refundKey ? { ...ask, status: after.status } : ask,
    ),
  };
}

/** What can still be refunded: pending refunds count, so two concurrent refunds can never exceed the payment. */
export function refundableRemainder(payment: PaymentRecord): number {
  return Math.max(0, payment.amount - payment.amountRefunded - payment.amountRefundPending);
}

/**
 * The key a refund fact's refund is stored under: the Basis request's key (`metadata.refund_request_id`) for a
 * refund Basis asked for, `stripe:<re_id>` for one made elsewhere (the Dashboard).
 */
export function refundKeyOf(fact: Pick<RefundFact, 'refundId' | 'refundKey'>): string {
  return fact.refundKey ?? `stripe:${fact.refundId}`;
}

function outranks(fact: RefundFact, entry: RefundEntry): boolean {
  const rank = refundRank[refundStatusOf(fact.status)];
  if (rank !== entry.statusRank) return rank > entry.statusRank;
  return fact.factCreated > entry.statusCreated;
}

/** One refund after a change, and its payment when the change moved money (else the refund is written alone). */
export interface RefundChange<R extends RefundEntry = RefundEntry> {
  refund: R;
  payment?: PaymentRecord;
}

/**
 * One fact about one refund (`current`: the refund stored under `refundKeyOf(fact)`, if any), or undefined when the
 * fact changes nothing. Whatever order and repetition the facts come in, each refund ends at its most advanced
 * status, and the payment's totals follow.
 */
export function applyRefundFact<R extends RefundEntry>(
  payment: PaymentRecord,
  current: R | undefined,
  fact: RefundFact,
): RefundChange<R | RefundEntry> | undefined {
  const status = refundStatusOf(fact.status);
  let refund: R | RefundEntry;
  if (!current) {
    // Unknown to Basis: made in the Stripe dashboard, or its request record was lost. Recorded all the same.
    refund = {
      refundKey: refundKeyOf(fact),
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
    };
  } else {
    const gainsId = current.refundId === null;
    if (!gainsId && !outranks(fact, current)) return undefined;
    refund = {
      ...current,
      refundId: fact.refundId,
      ...(outranks(fact, current)
        ? {
            status,
            failureReason: status === 'failed' ? fact.failureReason : null,
            statusRank: refundRank[status],
            statusCreated: fact.factCreated,
          }
        : {}),
    };
  }
  const after = paymentAfterRefundChange(payment, current, refund);
  return after ? { refund, payment: after } : { refund };
}

/**
 * A refund Stripe refused while Basis still waited for its id: `failed` with `failureReason`, its amount refundable
 * again. Undefined when the refund moved on meanwhile (an id, or another status).
 */
export function refuseRefund<R extends RefundEntry>(
  payment: PaymentRecord,
  current: R,
  failureReason: string,
): RefundChange<R> | undefined {
  if (current.refundId !== null || current.status !== 'pending') return undefined;
  const refund: R = { ...current, status: 'failed', failureReason, statusRank: refundRank.failed };
  const after = paymentAfterRefundChange(payment, current, refund);
  return after ? { refund, payment: after } : { refund };
}

export type RefundPlan =
  | { kind: 'existing'; refund: RefundEntry }
  /** A keyless repeat of the refund stored under `refundKey` (the caller reads it). */
  | { kind: 'repeat'; refundKey: string }
  | { kind: 'new'; refund: RefundEntry; record: PaymentRecord }
  | { kind: 'not_refundable'; status: PaymentRecord['status'] }
  | { kind: 'exceeds_remaining'; remaining: number; requested: number };

/** Two identical clicks without an Idempotency-Key within this window make one refund. */
export const refundDedupeWindowMs = 30_000;

/** At most this many requests of the dedupe window are remembered on the payment (it bounds the item's size). */
export const recentRefundAskMemory = 10;

/**
 * Whether a keyless request is a repeat of this recent one: the same operation, i.e. the same user asking for the
 * same thing (the same amount, or "all that remains": not whatever amount that came to) with the same reason,
 * moments ago, and the refund is still live. A refund Stripe refused is no operation to repeat: asking again makes a
 * new one.
 */
function isSameKeylessRequest(
  ask: RecentRefundAsk,
  request: { amount: number | undefined; reason: string | null; requestedBy: string; now: Date },
): boolean {
  return (
    ask.requestedBy === request.requestedBy &&
    (ask.status === 'pending' || ask.status === 'succeeded') &&
    ask.requestedAmount === (request.amount ?? null) &&
    ask.reason === request.reason &&
    request.now.getTime() - ask.at < refundDedupeWindowMs
  );
}

/**
 * Decides a refund request against the payment as stored (`sameKey`: the refund stored under the request's key, if
 * it has one): the same request key returns the same refund; an identical keyless request by the same user moments
 * ago is the same click twice; otherwise the amount must fit in what remains (pending refunds counted) and the new
 * refund is written `pending` before Stripe is called, the payment's pending total and same-click memory with it.
 */
export function planRefund(
  record: PaymentRecord,
  sameKey: RefundEntry | undefined,
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
  if (request.refundKey && sameKey) return { kind: 'existing', refund: sameKey };
  if (record.status !== 'succeeded') return { kind: 'not_refundable', status: record.status };
  const remaining = refundableRemainder(record);
  if (!request.refundKey) {
    const recent = record.recentRefundAsks.find((ask) => isSameKeylessRequest(ask, request));
    if (recent) return { kind: 'repeat', refundKey: recent.refundKey };
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
  const at = request.now.getTime();
  const recentRefundAsks = [
    ...record.recentRefundAsks.filter((ask) => at - ask.at < refundDedupeWindowMs),
    {
      refundKey,
      requestedBy: request.requestedBy,
      requestedAmount: request.amount ?? null,
      reason: request.reason,
      status: 'pending' as const,
      at,
    },
  ].slice(-recentRefundAskMemory);
  return {
    kind: 'new',
    refund,
    record: {
      ...record,
      amountRefundPending: record.amountRefundPending + amount,
      recentRefundAsks,
    },
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

/** The dispute after one fact about it (`current`: as stored, if at all), or undefined when it changes nothing. */
export function applyDisputeFact<D extends DisputeEntry>(
  current: D | undefined,
  fact: DisputeFact,
): D | DisputeEntry | undefined {
  const rank = disputeRank(fact.status);
  if (
    current &&
    (rank < current.statusRank || (rank === current.statusRank && fact.factCreated <= current.statusCreated))
  ) {
    return undefined;
  }
  return {
    ...current,
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
