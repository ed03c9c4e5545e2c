import * as z from 'zod';
import { type Mode, modes } from '../vocabulary.ts';

export const ledgerOutcomes = ['applied', 'duplicate', 'stale', 'ignored', 'failed'] as const;
export type LedgerOutcome = (typeof ledgerOutcomes)[number];

/** How long the ledger keeps an event: as long as Stripe's Events API does. */
export const ledgerRetentionDays = 30;

/** What became of one Stripe event, so that support can answer "did Stripe tell us?". */
export interface LedgerEntry {
  clinicId: string;
  mode: Mode;
  eventId: string;
  type: string;
  /** Stripe's `created`, in seconds. */
  created: number;
  receivedAt: string;
  outcome: LedgerOutcome;
  reason: string | null;
  objectId: string;
  /** The payment the event concerns, where it names one. */
  paymentId: string | null;
}

/** What the ledger needs of an event to find its entry: the key is computed from these (`ledgerSubjectId`). */
export type LedgerEventRef = Pick<LedgerEntry, 'eventId' | 'created' | 'objectId' | 'paymentId'>;

/**
 * The object whose ledger partition holds an event: the payment a charge, refund or dispute event belongs to, else
 * the event's own object. So one Query reads a payment's events, whatever object each of them names.
 */
export function ledgerSubjectId(event: Pick<LedgerEntry, 'objectId' | 'paymentId'>): string {
  return event.paymentId ?? event.objectId;
}

/** What the sweep learns of one event from the ledger. */
export interface LedgerCheck {
  /** A worker applied, skipped or ignored it, or the queue refuses it for good (see `EventLedger.has`). */
  settled: boolean;
  /** When it was first received, if the ledger has an entry at all (settled or still failed). */
  receivedAt: string | null;
}

/**
 * What `list` reads. With `paymentId` or `objectId`: the partition of that subject (`ledgerSubjectId`), so a payment's
 * events include its charges', refunds' and disputes'; with both, that payment's events naming `objectId`. With
 * neither: the clinic's events that failed at least once. `type` filters any of them.
 */
export interface LedgerListOptions {
  paymentId?: string;
  objectId?: string;
  type?: string;
  /** Entries per page, 1–100. */
  limit: number;
  cursor?: string;
}

/** An event as the API shows it (`GET …/events`, docs/api.md). */
export const ledgerViewSchema = z
  .object({
    eventId: z.string().meta({ example: 'evt_…' }),
    type: z.string().meta({ example: 'payment_intent.succeeded' }),
    mode: z.enum(modes),
    created: z.iso.datetime().meta({ description: "Stripe's `created`, ISO 8601 UTC." }),
    receivedAt: z.iso.datetime(),
    outcome: z.enum(ledgerOutcomes),
    reason: z.string().nullable(),
    objectId: z.string(),
    deliveries: z.number().int().meta({ description: 'How many times the event reached a worker.' }),
  })
  .meta({ id: 'LedgerEvent' });
export type LedgerView = z.infer<typeof ledgerViewSchema>;

export interface EventLedger {
  /**
   * Records a delivery's outcome. The first decisive outcome stays (a redelivery of an applied event leaves it
   * `applied`); a `failed` one is replaced by what a retry achieved. Deliveries are counted.
   */
  record(entry: LedgerEntry): Promise<void>;
  /**
   * Whether the event is settled: a worker applied, skipped or ignored it, or the sweep found that the queue refuses
   * the event itself (`sweepRefusedReason`: sending it again would be refused again). An entry still `failed` for
   * another reason answers false, so that the sweep delivers it again: its retry's ledger write may have been lost,
   * or it sits in a DLQ. One GetItem on the key computed from the event (its subject, `created` and id).
   */
  has(clinicId: string, mode: Mode, event: LedgerEventRef): Promise<LedgerCheck>;
  /**
   * Newest first (`LedgerListOptions`). One object's events are one Query on its partition, costing what it returns
   * whatever the clinic's history; the clinic-wide form lists only entries that recorded a failure at least once
   * (whatever a retry achieved since), from the sparse failed-events index.
   */
  list(
    clinicId: string,
    mode: Mode,
    options: LedgerListOptions,
  ): Promise<{ data: LedgerView[]; nextCursor: string | null }>;
}

/** How the sweep's ledger entry for an event the queue refuses (its shape, size or characters) begins. */
export const sweepRefusedReason = 'sweep could not enqueue';
