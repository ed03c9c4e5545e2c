import { modes } from '@basis/shared';
import * as z from 'zod';

export const payoutStatuses = ['pending', 'in_transit', 'paid', 'failed', 'canceled'] as const;
export type PayoutStatus = (typeof payoutStatuses)[number];

/** Stripe's own `reconciliation_status` of a payout: `completed` means its balance transactions may be listed. */
export const stripeReconciliationStatuses = ['not_applicable', 'in_progress', 'completed'] as const;
export type StripeReconciliationStatus = (typeof stripeReconciliationStatuses)[number];

/** How far Basis got in listing a payout's balance transactions; only the reconciliation process changes it. */
export const reconciliationProgressStatuses = ['pending', 'in_progress', 'completed'] as const;

/** How many recent event ids a payout remembers, to tell a duplicate delivery from a stale one. */
export const payoutEventMemory = 20;

const isoDateTime = z.iso.datetime();

/** The stored payout: what Stripe said about it (from events) and how far its reconciliation got. */
export const payoutRecordSchema = z.object({
  clinicId: z.string(),
  mode: z.enum(modes),
  payoutId: z.string().startsWith('po_'),
  amount: z.number().int(),
  currency: z.string(),
  status: z.enum(payoutStatuses),
  /** false for a manual payout, whose balance transactions Stripe does not list. */
  automatic: z.boolean(),
  arrivalDate: isoDateTime,
  createdAt: isoDateTime,
  failure: z.object({ code: z.string(), message: z.string() }).nullable(),
  stripeReconciliationStatus: z.enum(stripeReconciliationStatuses),
  /** The event whose snapshot set the status, and its rank in the order events are compared by. */
  statusSource: z.object({ eventId: z.string(), created: z.number().int(), rank: z.number().int() }),
  appliedEventIds: z.array(z.string()).max(payoutEventMemory),
  reconciliation: z.object({
    status: z.enum(reconciliationProgressStatuses),
    /** `starting_after` for the next page of balance transactions; null before the first page. */
    cursor: z.string().nullable(),
    pages: z.number().int().nonnegative(),
    itemCount: z.number().int().nonnegative(),
    startedAt: isoDateTime.nullable(),
    completedAt: isoDateTime.nullable(),
  }),
  updatedAt: isoDateTime,
  /** Optimistic-concurrency version: every write is conditional on the version it read. */
  version: z.number().int().positive(),
});

export type PayoutRecord = z.infer<typeof payoutRecordSchema>;

export const payoutItemTypes = [
  'charge',
  'refund',
  'refund_failure',
  'dispute',
  'dispute_reversal',
  'fee',
  'payout_failure',
  'adjustment',
  'other',
] as const;
export type PayoutItemType = (typeof payoutItemTypes)[number];

/** One balance transaction of a payout, joined to the Basis payment, refund or dispute it belongs to. */
export const payoutItemSchema = z.object({
  clinicId: z.string(),
  mode: z.enum(modes),
  payoutId: z.string(),
  balanceTransactionId: z.string(),
  /** Position in Stripe's listing (newest first), for a stable order. */
  position: z.number().int().nonnegative(),
  type: z.enum(payoutItemTypes),
  /** Stripe's own `type` and `reporting_category`, kept as they came. */
  stripeType: z.string(),
  reportingCategory: z.string().nullable(),
  paymentId: z.string().nullable(),
  chargeId: z.string().nullable(),
  refundId: z.string().nullable(),
  disputeId: z.string().nullable(),
  /** true when `paymentId` is a payment recorded in Basis (booking or not); false for an unknown one. */
  matched: z.boolean(),
  bookingId: z.string().nullable(),
  gross: z.number().int(),
  fee: z.number().int(),
  net: z.number().int(),
  currency: z.string(),
  createdAt: isoDateTime,
});

export type PayoutItem = z.infer<typeof payoutItemSchema>;

/** What reconciliation needs of one balance transaction, whatever client listed it. */
export interface BalanceTransactionFacts {
  id: string;
  type: string;
  reportingCategory: string | null;
  amount: number;
  fee: number;
  net: number;
  currency: string;
  created: number;
  /** The expanded source, reduced to the ids that join it to Basis records; null when there is none. */
  source: {
    id: string;
    object: string;
    chargeId: string | null;
    paymentIntentId: string | null;
  } | null;
}

/** Raised by a store when a conditional write finds the payout changed since it was read. */
export class ConcurrentPayoutUpdateError extends Error {
  readonly code = 'concurrent_payout_update';
  constructor(readonly payoutId: string) {
    super(`Payout ${payoutId} changed while it was being updated.`);
    this.name = 'ConcurrentPayoutUpdateError';
  }
}

/** Whether `error` is a lost condition on a payout's write (`retryOnConflict`'s test). */
export const isConcurrentPayoutUpdate = (error: unknown): boolean =>
  error instanceof ConcurrentPayoutUpdateError;
