import type { Mode, StripeEvent } from '@basis/shared';
import * as z from 'zod';
import {
  type PayoutRecord,
  type PayoutStatus,
  payoutEventMemory,
  payoutStatuses,
  type StripeReconciliationStatus,
  stripeReconciliationStatuses,
} from './payout.ts';

const payoutSchema = z.looseObject({
  id: z.string().startsWith('po_'),
  object: z.literal('payout'),
  amount: z.number().int(),
  currency: z.string(),
  status: z.enum(payoutStatuses),
  automatic: z.boolean(),
  arrival_date: z.number().int(),
  created: z.number().int(),
  failure_code: z.string().nullable().optional(),
  failure_message: z.string().nullable().optional(),
  reconciliation_status: z.enum(stripeReconciliationStatuses).optional(),
});

export type StripePayout = z.infer<typeof payoutSchema>;

/** What one `payout.*` event tells us: the event's identity and the payout as it was then. */
export interface PayoutFacts {
  eventId: string;
  eventCreated: number;
  payout: StripePayout;
}

export function payoutFacts(event: StripeEvent): PayoutFacts {
  return { eventId: event.id, eventCreated: event.created, payout: payoutSchema.parse(event.data.object) };
}

/**
 * How far a payout has come. A payout moves pending → in_transit → paid, or ends failed or canceled; a paid
 * payout may still fail (the bank returns it). So a higher rank always wins, whatever the order of arrival:
 * paid never goes back to pending or in_transit, failed and canceled are never undone.
 */
const statusRank: Record<PayoutStatus, number> = {
  pending: 0,
  in_transit: 1,
  paid: 2,
  failed: 3,
  canceled: 3,
};

/** Stripe's reconciliation status only moves forward: in_progress → completed. */
const reconciliationRank: Record<StripeReconciliationStatus, number> = {
  not_applicable: 0,
  in_progress: 1,
  completed: 2,
};

/** A higher rank wins; in the same rank the later snapshot, then (same second) the higher event id. */
function precedes(a: PayoutRecord['statusSource'], b: PayoutRecord['statusSource']): boolean {
  if (a.rank !== b.rank) return a.rank < b.rank;
  if (a.created !== b.created) return a.created < b.created;
  return a.eventId < b.eventId;
}

function isoOfSeconds(seconds: number): string {
  return new Date(seconds * 1000).toISOString();
}

function failureOf(payout: StripePayout): PayoutRecord['failure'] {
  if (payout.status !== 'failed') return null;
  return {
    code: payout.failure_code ?? 'payout_failed',
    message: payout.failure_message ?? 'The payout failed.',
  };
}

/** What Stripe's reconciliation status of a snapshot is, for a payout that may predate the field. */
function stripeReconciliationOf(payout: StripePayout): StripeReconciliationStatus {
  return payout.reconciliation_status ?? (payout.automatic ? 'in_progress' : 'not_applicable');
}

function higherReconciliation(
  a: StripeReconciliationStatus,
  b: StripeReconciliationStatus,
): StripeReconciliationStatus {
  return reconciliationRank[b] > reconciliationRank[a] ? b : a;
}

function remember(ids: readonly string[], eventId: string): string[] {
  return [...ids, eventId].slice(-payoutEventMemory);
}

export type PayoutDecision =
  | { outcome: 'applied'; record: PayoutRecord }
  | { outcome: 'duplicate' }
  | { outcome: 'stale' };

export interface PayoutContext {
  clinicId: string;
  mode: Mode;
  now: Date;
}

/** The part of the record one snapshot decides when it ranks highest. */
function snapshotFields(payout: StripePayout) {
  return {
    amount: payout.amount,
    currency: payout.currency,
    status: payout.status,
    automatic: payout.automatic,
    arrivalDate: isoOfSeconds(payout.arrival_date),
    failure: failureOf(payout),
  };
}

/**
 * The payout record after one payout event, as a pure function of the record and the event. The record depends
 * only on the set of events seen, never on their order or repetition: the snapshot that ranks highest sets the
 * status and amounts, Stripe's reconciliation status is the highest seen. A duplicate (a remembered event id) or
 * a stale event (one that changes nothing) is reported so that it costs no write. The reconciliation progress is
 * carried over untouched: only the reconciliation process moves it.
 */
export function applyPayoutEvent(
  current: PayoutRecord | undefined,
  facts: PayoutFacts,
  context: PayoutContext,
): PayoutDecision {
  const { payout } = facts;
  const source = { eventId: facts.eventId, created: facts.eventCreated, rank: statusRank[payout.status] };
  const reconciliation = stripeReconciliationOf(payout);
  const now = context.now.toISOString();

  if (!current) {
    return {
      outcome: 'applied',
      record: {
        clinicId: context.clinicId,
        mode: context.mode,
        payoutId: payout.id,
        ...snapshotFields(payout),
        createdAt: isoOfSeconds(payout.created),
        stripeReconciliationStatus: reconciliation,
        statusSource: source,
        appliedEventIds: [facts.eventId],
        reconciliation: {
          status: 'pending',
          cursor: null,
          pages: 0,
          itemCount: 0,
          startedAt: null,
          completedAt: null,
        },
        updatedAt: now,
        version: 1,
      },
    };
  }

  if (current.appliedEventIds.includes(facts.eventId) || current.statusSource.eventId === facts.eventId) {
    return { outcome: 'duplicate' };
  }
  const wins = precedes(current.statusSource, source);
  const stripeReconciliationStatus = higherReconciliation(current.stripeReconciliationStatus, reconciliation);
  if (!wins && stripeReconciliationStatus === current.stripeReconciliationStatus) return { outcome: 'stale' };
  return {
    outcome: 'applied',
    record: {
      ...current,
      ...(wins ? { ...snapshotFields(payout), statusSource: source } : {}),
      stripeReconciliationStatus,
      appliedEventIds: remember(current.appliedEventIds, facts.eventId),
      updatedAt: now,
      version: current.version + 1,
    },
  };
}
