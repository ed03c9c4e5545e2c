import type { Mode } from '@basis/shared';

/** A clinic's connected mode, as the missed-event sweep knows it. */
export interface ConnectionEntry {
  clinicId: string;
  mode: Mode;
  /** Stripe `created` (seconds) up to which events were checked against the ledger. */
  sweptUntil: number | null;
}
