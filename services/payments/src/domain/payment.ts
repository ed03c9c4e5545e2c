import { modes } from '@basis/shared';
import * as z from 'zod';

export const paymentStatuses = [
  'requires_payment_method',
  'requires_action',
  'processing',
  'succeeded',
  'failed',
  'canceled',
] as const;
export type PaymentStatus = (typeof paymentStatuses)[number];

/**
 * How many recent event ids a record remembers, to tell a duplicate delivery from a stale one. Ordering does not
 * depend on it (a redelivery older than these is judged by its rank and found stale: no write either); it only
 * names the outcome. Kept small so the payment item stays under 1 KB (one write unit).
 */
export const appliedEventMemory = 8;

export const refundStatuses = ['pending', 'succeeded', 'failed', 'canceled'] as const;
export type RefundStatus = (typeof refundStatuses)[number];

/**
 * A refund, first-class: written `pending` before Stripe is called, with the key it is created with, and completed
 * from Stripe's answer and webhooks. Refunds made in the Stripe dashboard are recorded too.
 */
export const refundEntrySchema = z.object({
  /** Basis's key for the refund request (the Idempotency-Key header, or one derived); `stripe:<re_id>` otherwise. */
  refundKey: z.string(),
  refundId: z.string().nullable(),
  amount: z.number().int().positive(),
  status: z.enum(refundStatuses),
  reason: z.string().nullable(),
  failureReason: z.string().nullable(),
  /** The Idempotency-Key sent to Stripe: the same for every attempt at this refund. */
  idempotencyKey: z.string().nullable(),
  requestedBy: z.string().nullable(),
  /**
   * What the request asked for: an amount, or null for "all that remains". Two keyless requests are the same
   * operation only when they asked the same; absent on refunds made in the Dashboard or recorded before this field.
   */
  requestedAmount: z.number().int().positive().nullable().optional(),
  createdAt: z.iso.datetime(),
  /** Rank and Stripe `created` of the fact that set the status: a refund's status only moves forward. */
  statusRank: z.number().int(),
  statusCreated: z.number().int(),
});
export type RefundEntry = z.infer<typeof refundEntrySchema>;

export const disputeEntrySchema = z.object({
  disputeId: z.string(),
  amount: z.number().int().nonnegative(),
  currency: z.string(),
  status: z.string(),
  reason: z.string().nullable(),
  evidenceDueBy: z.iso.datetime().nullable(),
  createdAt: z.iso.datetime(),
  statusRank: z.number().int(),
  statusCreated: z.number().int(),
});
export type DisputeEntry = z.infer<typeof disputeEntrySchema>;

/**
 * A refund as stored: an item of its own in its payment's item collection, with its own version. `reportedAt`,
 * `paymentAmount`, `refundedAfter` and `currency` are written once, when it succeeded (what the report reads
 * through gsi4: the payment's amount and its `amountRefunded` right after this refund).
 */
export const refundRecordSchema = refundEntrySchema.extend({
  version: z.number().int().positive(),
  reportedAt: z.iso.datetime().optional(),
  paymentAmount: z.number().int().optional(),
  refundedAfter: z.number().int().optional(),
  currency: z.string().optional(),
});
export type RefundRecord = z.infer<typeof refundRecordSchema>;

/** A dispute as stored, an item of its own; `reportedAt` is its payment's success time (its gsi4 entry). */
export const disputeRecordSchema = disputeEntrySchema.extend({
  version: z.number().int().positive(),
  reportedAt: z.iso.datetime().optional(),
});
export type DisputeRecord = z.infer<typeof disputeRecordSchema>;

/**
 * A keyless refund request of the last 30 seconds, kept on the payment so that the same click twice makes one
 * refund without reading the payment's refunds. `status` follows the refund (every change of it moves money, so
 * the payment item is written then anyway); `at` is epoch milliseconds. Pruned by time on every refund write.
 */
export const recentRefundAskSchema = z.object({
  refundKey: z.string(),
  requestedBy: z.string(),
  requestedAmount: z.number().int().positive().nullable(),
  reason: z.string().nullable(),
  status: z.enum(refundStatuses),
  at: z.number().int(),
});
export type RecentRefundAsk = z.infer<typeof recentRefundAskSchema>;

/** The stored payment: Stripe ids, amounts and statuses, never card data or names. */
export const paymentRecordSchema = z.object({
  clinicId: z.string(),
  mode: z.enum(modes),
  paymentId: z.string().startsWith('pi_'),
  bookingId: z.string().nullable(),
  serviceId: z.string().nullable(),
  clientId: z.string().nullable(),
  amount: z.number().int().nonnegative(),
  currency: z.string(),
  status: z.enum(paymentStatuses),
  chargeId: z.string().nullable(),
  failure: z.object({ code: z.string(), message: z.string() }).nullable(),
  /** Sum of succeeded refunds (kept with every refund change that moves money, in the same transaction). */
  amountRefunded: z.number().int().nonnegative(),
  /** Sum of pending refunds: not refundable again until they succeed (then refunded) or fail (then refundable). */
  amountRefundPending: z.number().int().nonnegative().default(0),
  /** Keyless refund requests of the last 30 s (bounded, pruned by time): what the same-click dedup compares. */
  recentRefundAsks: z.array(recentRefundAskSchema).default([]),
  payoutId: z.string().nullable(),
  /** The Subscription (`sub_…`) and Invoice (`in_…`) a membership payment paid; null for a booking payment. */
  membershipId: z.string().nullable().default(null),
  invoiceId: z.string().nullable().default(null),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
  /** The event whose snapshot set the status, and its rank in the order events are compared by. */
  statusSource: z.object({
    eventId: z.string(),
    created: z.number().int(),
    rank: z.number().int(),
    authoritative: z.boolean().optional(),
  }),
  appliedEventIds: z.array(z.string()).max(appliedEventMemory),
  /** Optimistic-concurrency version: every write is conditional on the version it read. */
  version: z.number().int().positive(),
});

export type PaymentRecord = z.infer<typeof paymentRecordSchema>;

/** A payment with its refunds and disputes: what one Query on the payment's item collection reads. */
export interface PaymentSlice {
  payment: PaymentRecord;
  refunds: RefundRecord[];
  disputes: DisputeRecord[];
}

const isoInstant = z.iso
  .datetime()
  .meta({ description: 'ISO 8601, UTC.', example: '2026-11-29T18:20:22.000Z' });

/** The Payment of the HTTP contract (docs/api.md): what `toPaymentView` answers, and its OpenAPI schema. */
export const paymentViewSchema = z
  .object({
    paymentId: z.string().meta({ description: "Stripe's PaymentIntent id.", example: 'pi_3Nq…' }),
    mode: z.enum(modes),
    bookingId: z.string().nullable(),
    serviceId: z.string().nullable(),
    clientId: z.string().nullable(),
    amount: z.number().int().meta({ description: "In the currency's minor unit (cents)." }),
    currency: z.string().meta({ description: 'Lower-case ISO currency code.', example: 'usd' }),
    status: z.enum(paymentStatuses),
    chargeId: z.string().nullable(),
    amountRefunded: z.number().int().meta({ description: 'Sum of succeeded refunds (minor unit).' }),
    refundStatus: z.enum(['none', 'partial', 'full']),
    refunds: z
      .array(
        z
          .object({
            refundId: z.string().nullable().meta({ description: 'null until Stripe has answered.' }),
            amount: z.number().int(),
            status: z.enum(refundStatuses),
            reason: z.string().nullable(),
            failureReason: z.string().nullable(),
            createdAt: isoInstant,
          })
          .meta({ id: 'PaymentRefund' }),
      )
      .optional()
      .meta({
        description: "On the payment's own GET only; lists carry `amountRefunded` and `refundStatus`.",
      }),
    disputes: z
      .array(
        z
          .object({
            disputeId: z.string(),
            amount: z.number().int(),
            status: z
              .string()
              .meta({ description: "Stripe's dispute status, e.g. `needs_response`, `won`, `lost`." }),
            reason: z.string().nullable(),
            evidenceDueBy: isoInstant.nullable(),
            createdAt: isoInstant,
          })
          .meta({ id: 'PaymentDispute' }),
      )
      .optional()
      .meta({ description: "On the payment's own GET only." }),
    failure: z.object({ code: z.string(), message: z.string() }).nullable(),
    payoutId: z.string().nullable(),
    membershipId: z.string().nullable().meta({ description: 'The Subscription, for a membership payment.' }),
    invoiceId: z.string().nullable().meta({ description: 'The paid Invoice, for a membership payment.' }),
    createdAt: isoInstant,
    updatedAt: isoInstant,
  })
  .meta({ id: 'Payment' });

export type PaymentView = z.infer<typeof paymentViewSchema>;

/**
 * The Payment of the HTTP contract (docs/api.md) for a stored payment: with its refunds and disputes when they were
 * read (the payment's own GET), without them in lists (which read no children).
 */
export function toPaymentView(
  record: PaymentRecord,
  children?: Pick<PaymentSlice, 'refunds' | 'disputes'>,
): PaymentView {
  return {
    paymentId: record.paymentId,
    mode: record.mode,
    bookingId: record.bookingId,
    serviceId: record.serviceId,
    clientId: record.clientId,
    amount: record.amount,
    currency: record.currency,
    status: record.status,
    chargeId: record.chargeId,
    amountRefunded: record.amountRefunded,
    refundStatus: refundStatusOf(record),
    ...(children
      ? {
          refunds: [...children.refunds]
            .sort((a, b) => a.createdAt.localeCompare(b.createdAt))
            .map((refund) => ({
              refundId: refund.refundId,
              amount: refund.amount,
              status: refund.status,
              reason: refund.reason,
              failureReason: refund.failureReason,
              createdAt: refund.createdAt,
            })),
          disputes: [...children.disputes]
            .sort((a, b) => a.createdAt.localeCompare(b.createdAt))
            .map((dispute) => ({
              disputeId: dispute.disputeId,
              amount: dispute.amount,
              status: dispute.status,
              reason: dispute.reason,
              evidenceDueBy: dispute.evidenceDueBy,
              createdAt: dispute.createdAt,
            })),
        }
      : {}),
    failure: record.failure,
    payoutId: record.payoutId,
    membershipId: record.membershipId,
    invoiceId: record.invoiceId,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
  };
}

function refundStatusOf(record: PaymentRecord): 'none' | 'partial' | 'full' {
  if (record.amountRefunded === 0) return 'none';
  return record.amountRefunded >= record.amount ? 'full' : 'partial';
}

/** Raised by a store when a conditional write finds the record changed since it was read. */
export class ConcurrentUpdateError extends Error {
  constructor(readonly paymentId: string) {
    super(`Payment ${paymentId} changed while it was being updated.`);
    this.name = 'ConcurrentUpdateError';
  }
}

/** Whether `error` is a lost condition on a payment's write (`retryOnConflict`'s test). */
export const isConcurrentUpdate = (error: unknown): boolean => error instanceof ConcurrentUpdateError;
