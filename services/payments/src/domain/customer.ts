import type { Mode } from '@basis/shared/topology';
import type { CardReference } from '../adapters/stripe-payments-gateway.ts';

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

export interface CustomerStore {
  byClient(clinicId: string, mode: Mode, clientId: string): Promise<CustomerRecord | undefined>;
  byStripeId(clinicId: string, customerId: string): Promise<CustomerRecord | undefined>;
  /** Creates the record unless one exists; answers the stored one either way (the first writer wins). */
  create(record: CustomerRecord): Promise<CustomerRecord>;
  /** A customer's cards, attached and detached, through the by-customer index. */
  cards(clinicId: string, mode: Mode, customerId: string): Promise<CardRecord[]>;
  cardById(clinicId: string, mode: Mode, paymentMethodId: string): Promise<CardRecord | undefined>;
  /** Writes the card unless the stored one has a newer or equal `stateCreated`; answers whether it wrote. */
  putCardIfNewer(card: CardRecord): Promise<boolean>;
}
