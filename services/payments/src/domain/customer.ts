import type { Mode } from '@basis/shared';

/**
 * A client's Stripe Customer in one mode and on one Stripe account: created on first need. A customer belongs to
 * the account it was made on: after a re-connect to another account the client gets a new one there, and a
 * customer Stripe no longer knows (deleted in the Dashboard) is forgotten and made again.
 */
export interface CustomerRecord {
  clinicId: string;
  mode: Mode;
  /** The Stripe account (`acct_…`) the customer was made on. */
  accountId: string;
  clientId: string;
  customerId: string;
}

/** The account id customers are filed under: the connection's, or a fixed one for connections that predate it. */
export function customerAccountOf(connection: { accountId: string | null }): string {
  return connection.accountId ?? 'acct_unknown';
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
