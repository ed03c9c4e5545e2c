import type { Mode } from '@basis/shared';
import {
  appliedEventMemory,
  finalMembershipStatuses,
  type LatestInvoice,
  type MembershipRecord,
  type SnapshotSource,
} from './membership.ts';
import { idString, type StripeInvoice, type StripeSubscription } from './stripe-billing-objects.ts';

/** A Subscription as one event (or one read from Stripe) showed it. */
export interface SubscriptionFacts {
  eventId: string;
  eventCreated: number;
  subscription: StripeSubscription;
  /** A read from Stripe's API: it stands for its second and outranks event snapshots of that second. */
  authoritative?: boolean;
  /** When the read was made (ms): of two reads in one second, the later one wins. */
  readAtMs?: number;
}

/** An Invoice of the membership as one event showed it, with what a read added (its payment, its failure). */
export interface InvoiceFacts {
  eventId: string;
  invoice: StripeInvoice;
  /** The PaymentIntent that paid it (from its InvoicePayment), when known. */
  paymentId: string | null;
  /** Why its last payment attempt failed, when it did. */
  failure: { code: string; message: string } | null;
}

export interface MembershipContext {
  clinicId: string;
  mode: Mode;
  now: Date;
}

export type MembershipDecision =
  | { outcome: 'applied'; record: MembershipRecord }
  | { outcome: 'duplicate' }
  | { outcome: 'stale' }
  /** Two snapshots of the same second disagree and nothing in them orders them: read the Subscription from Stripe. */
  | { outcome: 'ambiguous' };

const iso = (seconds: number | null | undefined) =>
  seconds === null || seconds === undefined ? null : new Date(seconds * 1000).toISOString();

function remember(ids: readonly string[], eventId: string): string[] {
  return [...ids.filter((id) => id !== eventId), eventId].slice(-appliedEventMemory);
}

/** What a Subscription snapshot sets in the record. */
function subscriptionPart(subscription: StripeSubscription) {
  const item = subscription.items.data[0];
  if (!item) throw new Error('A subscription always has an item.');
  const metadata = subscription.metadata ?? {};
  return {
    customerId: idString(subscription.customer),
    clientId: metadata.client_id ?? null,
    planId: metadata.plan_id ?? null,
    priceId: item.price.id,
    amount: (item.price.unit_amount ?? 0) * (item.quantity ?? 1),
    currency: item.price.currency,
    interval: item.price.recurring?.interval ?? 'month',
    intervalCount: item.price.recurring?.interval_count ?? 1,
    status: subscription.status,
    cancelAtPeriodEnd: subscription.cancel_at_period_end,
    currentPeriodStart: iso(item.current_period_start),
    currentPeriodEnd: iso(item.current_period_end),
    canceledAt: iso(subscription.canceled_at),
  };
}

type SubscriptionPart = ReturnType<typeof subscriptionPart>;

const partFields: readonly (keyof SubscriptionPart)[] = [
  'status',
  'cancelAtPeriodEnd',
  'currentPeriodStart',
  'currentPeriodEnd',
  'canceledAt',
  'priceId',
  'amount',
];

function samePart(record: MembershipRecord, part: SubscriptionPart): boolean {
  return partFields.every((field) => record[field] === part[field]);
}

function finalRank(source: SnapshotSource): number {
  return source.rank >= 100 ? 1 : 0;
}

/** Final statuses never regress; then the later second; then a read from Stripe; then event id (a total order). */
function subscriptionPrecedes(a: SnapshotSource, b: SnapshotSource): boolean {
  if (finalRank(a) !== finalRank(b)) return finalRank(a) < finalRank(b);
  if (a.created !== b.created) return a.created < b.created;
  if (Boolean(a.authoritative) !== Boolean(b.authoritative)) return !a.authoritative;
  return a.eventId < b.eventId;
}

/**
 * The membership after one Subscription snapshot, as a pure function of the set of snapshots seen: the one that
 * ranks highest sets the status, period and cancellation; ids from metadata fill what is still missing. Two event
 * snapshots of the same second that disagree are `ambiguous` (Stripe's `created` is whole seconds): the caller reads
 * the Subscription from Stripe and applies that read as authoritative.
 */
export function applySubscriptionSnapshot(
  current: MembershipRecord | undefined,
  facts: SubscriptionFacts,
  context: MembershipContext,
): MembershipDecision {
  const part = subscriptionPart(facts.subscription);
  const final = finalMembershipStatuses.has(part.status);
  const source: SnapshotSource = facts.authoritative
    ? {
        eventId: `stripe_read@${facts.eventCreated}@${String(facts.readAtMs ?? 0).padStart(15, '0')}`,
        created: facts.eventCreated,
        rank: final ? 100 : 0,
        authoritative: true,
      }
    : { eventId: facts.eventId, created: facts.eventCreated, rank: final ? 100 : 0 };
  const now = context.now.toISOString();
  if (!current) {
    return {
      outcome: 'applied',
      record: {
        clinicId: context.clinicId,
        mode: context.mode,
        membershipId: facts.subscription.id,
        ...part,
        latestInvoice: null,
        createdAt: iso(facts.subscription.created) ?? now,
        updatedAt: now,
        subscriptionSource: source,
        invoiceSource: null,
        appliedEventIds: [facts.eventId],
        version: 1,
      },
    };
  }
  if (
    current.appliedEventIds.includes(facts.eventId) ||
    current.subscriptionSource.eventId === source.eventId
  ) {
    return { outcome: 'duplicate' };
  }
  const stored = current.subscriptionSource;
  // An event of the same second as what is stored, saying something else: the payloads cannot order them (a read
  // made in that second may predate the event). A new read from Stripe settles it; a read itself is never ambiguous.
  if (
    !source.authoritative &&
    stored.created === source.created &&
    finalRank(stored) === 0 &&
    finalRank(source) === 0 &&
    !samePart(current, part)
  ) {
    return { outcome: 'ambiguous' };
  }
  const filled = {
    clientId: current.clientId ?? part.clientId,
    planId: current.planId ?? part.planId,
  };
  const fills = filled.clientId !== current.clientId || filled.planId !== current.planId;
  if (!subscriptionPrecedes(stored, source)) {
    if (!fills) return { outcome: 'stale' };
    return {
      outcome: 'applied',
      record: {
        ...current,
        ...filled,
        updatedAt: now,
        appliedEventIds: remember(current.appliedEventIds, facts.eventId),
        version: current.version + 1,
      },
    };
  }
  return {
    outcome: 'applied',
    record: {
      ...current,
      ...part,
      ...filled,
      updatedAt: now,
      subscriptionSource: source,
      appliedEventIds: remember(current.appliedEventIds, facts.eventId),
      version: current.version + 1,
    },
  };
}

const invoiceStatusRank: Readonly<Record<string, number>> = {
  draft: 0,
  open: 1,
  uncollectible: 2,
  paid: 3,
  void: 3,
};

/** Within one invoice: settled beats open, a later attempt beats an earlier one, then status progress. */
function invoiceRank(invoice: StripeInvoice): number {
  const settled = invoice.status === 'paid' || invoice.status === 'void' ? 1 : 0;
  return (
    settled * 1_000_000 + invoice.attempt_count * 10 + (invoiceStatusRank[invoice.status ?? 'draft'] ?? 0)
  );
}

/** Orders invoice snapshots: a newer invoice wins, then (same invoice) the rank above, then event id. */
function invoiceKey(invoiceCreated: number, invoiceId: string, rank: number, eventId: string) {
  return [invoiceCreated, invoiceId, rank, eventId] as const;
}

function keyPrecedes(a: readonly (number | string)[], b: readonly (number | string)[]): boolean {
  for (let index = 0; index < a.length; index++) {
    const left = a[index] as number | string;
    const right = b[index] as number | string;
    if (left !== right) return left < right;
  }
  return false;
}

/**
 * The membership's latest invoice after one invoice snapshot: the newest invoice wins and, for the same invoice,
 * the furthest state (paid or void, then the most attempts). The paying PaymentIntent is a fixed fact of an invoice
 * and fills in whenever it is learnt; a failure belongs to the attempt that had it and is gone once the invoice is paid.
 * The record must exist (the caller creates it from the Subscription first).
 */
export function applyInvoiceSnapshot(
  current: MembershipRecord,
  facts: InvoiceFacts,
  context: MembershipContext,
): MembershipDecision {
  if (current.appliedEventIds.includes(facts.eventId)) return { outcome: 'duplicate' };
  const { invoice } = facts;
  const rank = invoiceRank(invoice);
  const stored = current.latestInvoice;
  const sameInvoice = stored?.invoiceId === invoice.id;
  const now = context.now.toISOString();
  const newer =
    !stored ||
    !current.invoiceSource ||
    keyPrecedes(
      invoiceKey(stored.created, stored.invoiceId, current.invoiceSource.rank, current.invoiceSource.eventId),
      invoiceKey(invoice.created, invoice.id, rank, facts.eventId),
    );
  if (!newer) {
    if (sameInvoice && stored && stored.paymentId === null && facts.paymentId) {
      return {
        outcome: 'applied',
        record: {
          ...current,
          latestInvoice: { ...stored, paymentId: facts.paymentId },
          updatedAt: now,
          appliedEventIds: remember(current.appliedEventIds, facts.eventId),
          version: current.version + 1,
        },
      };
    }
    return { outcome: 'stale' };
  }
  const sameAttempt = sameInvoice && stored?.attemptCount === invoice.attempt_count;
  const latestInvoice: LatestInvoice = {
    invoiceId: invoice.id,
    status: invoice.status ?? 'draft',
    amountDue: invoice.amount_due,
    amountPaid: invoice.amount_paid,
    paymentId: facts.paymentId ?? (sameInvoice ? (stored?.paymentId ?? null) : null),
    failure:
      invoice.status === 'paid' || invoice.status === 'void'
        ? null
        : (facts.failure ?? (sameAttempt ? (stored?.failure ?? null) : null)),
    created: invoice.created,
    attemptCount: invoice.attempt_count,
  };
  return {
    outcome: 'applied',
    record: {
      ...current,
      latestInvoice,
      invoiceSource: { eventId: facts.eventId, created: invoice.created, rank },
      updatedAt: now,
      appliedEventIds: remember(current.appliedEventIds, facts.eventId),
      version: current.version + 1,
    },
  };
}
