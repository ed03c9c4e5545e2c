import type { Mode } from '../vocabulary.ts';

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

export interface LedgerView {
  eventId: string;
  type: string;
  mode: Mode;
  created: string;
  receivedAt: string;
  outcome: LedgerOutcome;
  reason: string | null;
  objectId: string;
  deliveries: number;
}

export interface EventLedger {
  /**
   * Records a delivery's outcome. The first decisive outcome stays (a redelivery of an applied event leaves it
   * `applied`); a `failed` one is replaced by what a retry achieved. Deliveries are counted.
   */
  record(entry: LedgerEntry): Promise<void>;
  /**
   * Whether a worker has settled the event (applied, duplicate, stale or ignored). An entry still `failed` answers
   * false, so that the sweep delivers it again: its retry's ledger write may have been lost, or it sits in a DLQ.
   */
  has(clinicId: string, mode: Mode, created: number, eventId: string): Promise<boolean>;
  list(
    clinicId: string,
    mode: Mode,
    options: { type?: string; paymentId?: string; limit: number; cursor?: string },
  ): Promise<{ data: LedgerView[]; nextCursor: string | null }>;
}
