import { z } from 'zod';
import { modes } from '../topology.ts';

export const paymentStatuses = [
  'requires_payment_method',
  'requires_action',
  'processing',
  'succeeded',
  'failed',
  'canceled',
] as const;
export type PaymentStatus = (typeof paymentStatuses)[number];

/** How many recent event ids a record remembers, to tell a duplicate delivery from a stale one. */
export const appliedEventMemory = 20;

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
  amountRefunded: z.number().int().nonnegative(),
  payoutId: z.string().nullable(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
  /** The event whose snapshot set the status, and its rank in the order events are compared by. */
  statusSource: z.object({ eventId: z.string(), created: z.number().int(), rank: z.number().int() }),
  appliedEventIds: z.array(z.string()).max(appliedEventMemory),
  /** Optimistic-concurrency version: every write is conditional on the version it read. */
  version: z.number().int().positive(),
});

export type PaymentRecord = z.infer<typeof paymentRecordSchema>;

/** The Payment of the HTTP contract (API.md). */
export function toPaymentView(record: PaymentRecord) {
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
    refunds: [],
    failure: record.failure,
    payoutId: record.payoutId,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
  };
}

export type PaymentView = ReturnType<typeof toPaymentView>;

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

/** The port for payment records. */
export interface PaymentStore {
  get(clinicId: string, paymentId: string): Promise<PaymentRecord | undefined>;
  /** Writes the record if the stored version is still `expectedVersion` (undefined: it must not exist yet). */
  save(record: PaymentRecord, expectedVersion: number | undefined): Promise<void>;
}
