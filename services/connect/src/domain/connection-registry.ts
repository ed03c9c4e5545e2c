import type { Mode } from '@basis/shared/topology';

/** A clinic's connected mode, as the missed-event sweep knows it. */
export interface ConnectionEntry {
  clinicId: string;
  mode: Mode;
  /** Stripe `created` (seconds) up to which events were checked against the ledger. */
  sweptUntil: number | null;
}

/** The clinics and modes that are connected: written by connect and disconnect, walked by the sweep. */
export interface ConnectionRegistry {
  add(clinicId: string, mode: Mode): Promise<void>;
  remove(clinicId: string, mode: Mode): Promise<void>;
  list(): AsyncIterable<ConnectionEntry>;
  markSwept(clinicId: string, mode: Mode, sweptUntil: number): Promise<void>;
}
