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
   * or it sits in a DLQ.
   */
  has(clinicId: string, mode: Mode, created: number, eventId: string): Promise<boolean>;
  list(
    clinicId: string,
    mode: Mode,
    options: { type?: string; paymentId?: string; limit: number; cursor?: string },
  ): Promise<{ data: LedgerView[]; nextCursor: string | null }>;
}

/** How the sweep's ledger entry for an event the queue refuses (its shape, size or characters) begins. */
export const sweepRefusedReason = 'sweep could not enqueue';
