import type { Mode, StripeEvent } from '@basis/shared';
import * as z from 'zod';
import { appliedEventMemory, type PaymentRecord, type PaymentStatus } from './payment.ts';

const paymentIntentSchema = z.looseObject({
  id: z.string().startsWith('pi_'),
  object: z.literal('payment_intent'),
  amount: z.number().int().nonnegative(),
  currency: z.string(),
  status: z.enum([
    'requires_payment_method',
    'requires_confirmation',
    'requires_action',
    'processing',
    'requires_capture',
    'canceled',
    'succeeded',
  ]),
  created: z.number().int(),
  latest_charge: z
    .union([z.string(), z.looseObject({ id: z.string() })])
    .nullable()
    .optional(),
  last_payment_error: z
    .looseObject({
      code: z.string().nullable().optional(),
      decline_code: z.string().nullable().optional(),
      message: z.string().nullable().optional(),
      type: z.string().optional(),
    })
    .nullable()
    .optional(),
  metadata: z.record(z.string(), z.string()).nullable().optional(),
});

export type StripePaymentIntent = z.infer<typeof paymentIntentSchema>;

/** What one `payment_intent.*` event tells us: the event's identity and the PaymentIntent as it was then. */
export interface PaymentIntentFacts {
  eventId: string;
  eventCreated: number;
  paymentIntent: StripePaymentIntent;
  /**
   * A snapshot read from Stripe's API after events it could not order: it stands for that second and outranks
   * the event snapshots of that second seen so far; a later event of that second that disagrees prompts a new read.
   */
  authoritative?: boolean;
}

export function parsePaymentIntent(value: unknown): StripePaymentIntent {
  return paymentIntentSchema.parse(value);
}

export function paymentIntentFacts(event: StripeEvent): PaymentIntentFacts {
  return {
    eventId: event.id,
    eventCreated: event.created,
    paymentIntent: paymentIntentSchema.parse(event.data.object),
  };
}

/** Our status for a PaymentIntent snapshot: a payment method that was refused is a failed attempt. */
export function statusOf(paymentIntent: StripePaymentIntent): PaymentStatus {
  switch (paymentIntent.status) {
    case 'requires_payment_method':
      // An off-session attempt the bank wants the client to authenticate: the payment needs the client, it did not fail.
      if (paymentIntent.last_payment_error?.code === 'authentication_required') return 'requires_action';
      return paymentIntent.last_payment_error ? 'failed' : 'requires_payment_method';
    case 'requires_confirmation':
      return 'requires_payment_method';
    case 'requires_capture':
      return 'processing';
    default:
      return paymentIntent.status;
  }
}

const finalStatuses: ReadonlySet<PaymentStatus> = new Set(['succeeded', 'canceled']);

/**
 * Within one second, the order a payment usually moves in. Only used to break ties between snapshots that
 * Stripe stamped with the same `created` second, so that every delivery order ends in the same record.
 */
const progressRank: Record<PaymentStatus, number> = {
  requires_payment_method: 0,
  failed: 1,
  requires_action: 2,
  processing: 3,
  succeeded: 4,
  canceled: 4,
};

/**
 * Where a PaymentIntent snapshot usually falls among the events of its second (lower first), for the worker to order
 * the events of one payment in one batch. Only saves work (stale outcomes, Stripe reads); the record does not depend
 * on it.
 */
export function progressOf(paymentIntent: StripePaymentIntent): number {
  return progressRank[statusOf(paymentIntent)];
}

type StatusSource = PaymentRecord['statusSource'];

/**
 * Final statuses never regress; otherwise the later snapshot wins; in the same second a snapshot read from Stripe
 * wins over an event's, and of two reads the newer one (see `cannotOrder`: a read only replaces another when a
 * disagreeing event of that second prompted it, so it was made after that event); then progress, then event id, so
 * that the order is total.
 */
function precedes(a: StatusSource, b: StatusSource): boolean {
  if (finalRank(a.rank) !== finalRank(b.rank)) return finalRank(a.rank) < finalRank(b.rank);
  if (a.created !== b.created) return a.created < b.created;
  if (a.authoritative && b.authoritative) return a.rank !== b.rank;
  if (Boolean(a.authoritative) !== Boolean(b.authoritative)) return !a.authoritative;
  if (a.rank !== b.rank) return a.rank < b.rank;
  return a.eventId < b.eventId;
}

function finalRank(rank: number): number {
  return rank >= 100 ? 1 : 0;
}

/**
 * An event snapshot that disagrees, on a non-final status, with what is stored for the same second: the payloads
 * cannot order them, so Stripe is asked. That holds when the stored status came from an earlier read too: a read
 * made between two events of one second (a 3-D Secure failure a few hundred ms after `requires_action`) knows
 * nothing of the later one, so a later disagreeing event of that second prompts a new read, which then decides.
 * Stripe sends an event after the change it reports, so that new read is never older than the event.
 */
function cannotOrder(current: StatusSource, next: StatusSource): boolean {
  return (
    !next.authoritative &&
    current.created === next.created &&
    finalRank(current.rank) === 0 &&
    finalRank(next.rank) === 0 &&
    current.rank !== next.rank
  );
}

/** The status source of a snapshot read from Stripe: one per second, whatever event prompted the read. */
export function authoritativeEventId(created: number): string {
  return `stripe_read@${created}`;
}

function rankOf(status: PaymentStatus): number {
  return (finalStatuses.has(status) ? 100 : 0) + progressRank[status];
}

function chargeIdOf(paymentIntent: StripePaymentIntent): string | null {
  const charge = paymentIntent.latest_charge;
  if (!charge) return null;
  return typeof charge === 'string' ? charge : charge.id;
}

/** Why the payment failed or needs the client, from the PaymentIntent's last error; null otherwise. */
export function failureOf(
  paymentIntent: StripePaymentIntent,
  status: PaymentStatus,
): PaymentRecord['failure'] {
  const error = paymentIntent.last_payment_error;
  if (!error || (status !== 'failed' && status !== 'requires_action')) return null;
  return {
    code: error.decline_code ?? error.code ?? error.type ?? 'payment_failed',
    message: error.message ?? 'The payment was declined.',
  };
}

export type PaymentDecision =
  | { outcome: 'applied'; record: PaymentRecord }
  | { outcome: 'duplicate' }
  | { outcome: 'stale' }
  /** The stored and the new snapshot cannot be ordered from their payloads: read the PaymentIntent from Stripe. */
  | { outcome: 'ambiguous' };

export interface PaymentContext {
  clinicId: string;
  mode: Mode;
  now: Date;
}

function remember(ids: readonly string[], eventId: string): string[] {
  return [...ids, eventId].slice(-appliedEventMemory);
}

function fillMissing(current: PaymentRecord, paymentIntent: StripePaymentIntent) {
  const metadata = paymentIntent.metadata ?? {};
  return {
    bookingId: current.bookingId ?? metadata.booking_id ?? null,
    serviceId: current.serviceId ?? metadata.service_id ?? null,
    clientId: current.clientId ?? metadata.client_id ?? null,
  };
}

/**
 * The payment record after one PaymentIntent event, as a pure function. The record depends only on the set of
 * events seen, never on their order or repetition: the status comes from the snapshot that ranks highest, and
 * ids from metadata fill what is still missing. A record that does not exist yet is created from the event, so a
 * payment made outside a Basis booking is recorded too.
 */
export function applyPaymentIntentEvent(
  current: PaymentRecord | undefined,
  facts: PaymentIntentFacts,
  context: PaymentContext,
): PaymentDecision {
  const { paymentIntent } = facts;
  const status = statusOf(paymentIntent);
  const source: StatusSource = facts.authoritative
    ? {
        eventId: authoritativeEventId(facts.eventCreated),
        created: facts.eventCreated,
        rank: rankOf(status),
        authoritative: true,
      }
    : { eventId: facts.eventId, created: facts.eventCreated, rank: rankOf(status) };
  const now = context.now.toISOString();

  if (!current) {
    const metadata = paymentIntent.metadata ?? {};
    return {
      outcome: 'applied',
      record: {
        clinicId: context.clinicId,
        mode: context.mode,
        paymentId: paymentIntent.id,
        bookingId: metadata.booking_id ?? null,
        serviceId: metadata.service_id ?? null,
        clientId: metadata.client_id ?? null,
        amount: paymentIntent.amount,
        currency: paymentIntent.currency,
        status,
        chargeId: chargeIdOf(paymentIntent),
        failure: failureOf(paymentIntent, status),
        amountRefunded: 0,
        amountRefundPending: 0,
        recentRefundAsks: [],
        payoutId: null,
        membershipId: null,
        invoiceId: null,
        createdAt: new Date(paymentIntent.created * 1000).toISOString(),
        updatedAt: now,
        statusSource: source,
        appliedEventIds: [facts.eventId],
        version: 1,
      },
    };
  }

  if (current.appliedEventIds.includes(facts.eventId) || current.statusSource.eventId === facts.eventId) {
    return { outcome: 'duplicate' };
  }
  if (cannotOrder(current.statusSource, source)) return { outcome: 'ambiguous' };
  const filled = fillMissing(current, paymentIntent);
  const fillsSomething =
    filled.bookingId !== current.bookingId ||
    filled.serviceId !== current.serviceId ||
    filled.clientId !== current.clientId;

  if (!precedes(current.statusSource, source)) {
    if (!fillsSomething) return { outcome: 'stale' };
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
      ...filled,
      amount: paymentIntent.amount,
      currency: paymentIntent.currency,
      status,
      chargeId: chargeIdOf(paymentIntent),
      failure: failureOf(paymentIntent, status),
      updatedAt: now,
      statusSource: source,
      appliedEventIds: remember(current.appliedEventIds, facts.eventId),
      version: current.version + 1,
    },
  };
}
