import type { Mode } from '@basis/shared';

/** A client's Stripe Customer in one mode: created once, on first need. */
export interface CustomerRecord {
  clinicId: string;
  mode: Mode;
  clientId: string;
  customerId: string;
}

/** A saved card as we last learned it. Detached cards stay as tombstones so that a late `attached` is stale. */
export interface CardRecord extends CardReference {
  clinicId: string;
  mode: Mode;
  customerId: string;
  state: 'attached' | 'detached';
  /** When the card was attached (Stripe seconds): the newest attached card is the default when none is set. */
  attachedAt: number;
  /** `created` of the fact that set `state`: an older fact never overrides a newer one. */
  stateCreated: number;
}

/** Card details we keep: a reference and what a person needs to recognise the card. Never the number. */
export interface CardReference {
  paymentMethodId: string;
  customerId: string | null;
  brand: string;
  last4: string;
  expMonth: number;
  expYear: number;
}
