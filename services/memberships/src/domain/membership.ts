import { modes } from '@basis/shared';
import * as z from 'zod';

/** Stripe's Subscription statuses, as Basis shows them. */
export const membershipStatuses = [
  'incomplete',
  'incomplete_expired',
  'trialing',
  'active',
  'past_due',
  'unpaid',
  'canceled',
  'paused',
] as const;
export type MembershipStatus = (typeof membershipStatuses)[number];

/** Statuses a Subscription never leaves. */
export const finalMembershipStatuses: ReadonlySet<MembershipStatus> = new Set([
  'canceled',
  'incomplete_expired',
]);

/** A membership that still counts as the client's (a second sign-up to its plan is refused). */
export function isLive(status: MembershipStatus): boolean {
  return !finalMembershipStatuses.has(status);
}

/**
 * How many recent event ids a record remembers, to tell a duplicate delivery from a stale one. Ordering does not
 * depend on it (an older redelivery is judged by its snapshot's rank and found stale: no write either); it only names
 * the outcome. Kept small so the membership item stays under 1 KB (one write unit per change).
 */
export const appliedEventMemory = 6;

/** Which snapshot set a part of the record: later `created` wins; a read from Stripe stands for its second. */
export const snapshotSourceSchema = z.object({
  eventId: z.string(),
  created: z.number().int(),
  /** Higher wins among snapshots of the same `created` (final statuses outrank everything). */
  rank: z.number().int(),
  authoritative: z.boolean().optional(),
});
export type SnapshotSource = z.infer<typeof snapshotSourceSchema>;

export const latestInvoiceSchema = z.object({
  invoiceId: z.string().startsWith('in_'),
  status: z.string(),
  amountDue: z.number().int().nonnegative(),
  amountPaid: z.number().int().nonnegative(),
  /** The PaymentIntent (= Basis payment id) that paid it, once known. */
  paymentId: z.string().nullable(),
  failure: z.object({ code: z.string(), message: z.string() }).nullable(),
  /** Stripe `created` of the invoice (seconds): a newer invoice replaces an older one. */
  created: z.number().int(),
  attemptCount: z.number().int().nonnegative(),
});
export type LatestInvoice = z.infer<typeof latestInvoiceSchema>;

/**
 * The stored membership: one item per Subscription and mode, of bounded size (the latest invoice only; every paid
 * invoice is a Payment item of its own). Stripe ids, amounts, statuses, opaque Basis ids; nothing else.
 */
export const membershipRecordSchema = z.object({
  clinicId: z.string(),
  mode: z.enum(modes),
  membershipId: z.string().startsWith('sub_'),
  clientId: z.string().nullable(),
  planId: z.string().nullable(),
  customerId: z.string(),
  priceId: z.string().nullable(),
  amount: z.number().int().nonnegative(),
  currency: z.string(),
  interval: z.string(),
  intervalCount: z.number().int().positive(),
  status: z.enum(membershipStatuses),
  cancelAtPeriodEnd: z.boolean(),
  currentPeriodStart: z.iso.datetime().nullable(),
  currentPeriodEnd: z.iso.datetime().nullable(),
  canceledAt: z.iso.datetime().nullable(),
  latestInvoice: latestInvoiceSchema.nullable(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
  subscriptionSource: snapshotSourceSchema,
  invoiceSource: snapshotSourceSchema.nullable(),
  appliedEventIds: z.array(z.string()).max(appliedEventMemory),
  /** Optimistic-concurrency version: every write is conditional on the version (and mode) it read. */
  version: z.number().int().positive(),
});
export type MembershipRecord = z.infer<typeof membershipRecordSchema>;

/** The Membership of the HTTP contract (docs/api.md, "Memberships"). */
export function toMembershipView(record: MembershipRecord) {
  const invoice = record.latestInvoice;
  return {
    membershipId: record.membershipId,
    mode: record.mode,
    clientId: record.clientId,
    planId: record.planId,
    amount: record.amount,
    currency: record.currency,
    interval: record.interval,
    intervalCount: record.intervalCount,
    status: record.status,
    cancelAtPeriodEnd: record.cancelAtPeriodEnd,
    currentPeriodStart: record.currentPeriodStart,
    currentPeriodEnd: record.currentPeriodEnd,
    canceledAt: record.canceledAt,
    latestInvoice: invoice
      ? {
          invoiceId: invoice.invoiceId,
          status: invoice.status,
          amountDue: invoice.amountDue,
          amountPaid: invoice.amountPaid,
          paymentId: invoice.paymentId,
          failure: invoice.failure,
        }
      : null,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
  };
}

export type MembershipView = ReturnType<typeof toMembershipView>;

/** Raised by the store when a conditional write finds the record changed since it was read. */
export class ConcurrentMembershipUpdateError extends Error {
  constructor(readonly membershipId: string) {
    super(`Membership ${membershipId} changed while it was being updated.`);
    this.name = 'ConcurrentMembershipUpdateError';
  }
}

/** Whether `error` is a lost condition on a membership's write (`retryOnConflict`'s test). */
export const isConcurrentMembershipUpdate = (error: unknown): boolean =>
  error instanceof ConcurrentMembershipUpdateError;
