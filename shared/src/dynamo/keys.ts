import { createHash } from 'node:crypto';
import type { Mode } from '../vocabulary.ts';

/**
 * Key design of the single table (see docs/architecture.md):
 * - a payment:           pk CLINIC#<clinicId>  sk PAYMENT#<mode>#<paymentId>
 *   its refunds:         pk CLINIC#<clinicId>  sk PAYMENT#<mode>#<paymentId>#REFUND#<refundKeyDigest>
 *   its disputes:        pk CLINIC#<clinicId>  sk PAYMENT#<mode>#<paymentId>#DISPUTE#<disputeId>
 *   (one Query on sk between PAYMENT#<mode>#<paymentId> and PAYMENT#<mode>#<paymentId>#~ reads all three)
 *   listed by date via   gsi2pk CLINIC#<clinicId>#<mode>#PAYMENTS  gsi2sk <createdAt>#<paymentId>   (KEYS_ONLY)
 *   a client's, by date  gsi3pk CLINIC#<clinicId>#<mode>#CLIENT#<clientId>  gsi3sk <createdAt>#<paymentId>   (KEYS_ONLY)
 *   the report window    gsi4pk CLINIC#<clinicId>#<mode>#REPORT  gsi4sk <time>#<payment|refund|dispute>#<id>
 *                        (sparse, INCLUDE: a payment when it succeeded or failed, a refund when it succeeded, a
 *                        dispute under its payment's success)
 * - a service's price:   pk CLINIC#<clinicId>  sk PRICING#<serviceId>
 * - a booking's payment: pk CLINIC#<clinicId>  sk BOOKING#<mode>#<bookingId>
 * - a client's customer: pk CLINIC#<clinicId>  sk CUSTOMER#<mode>#<accountId>#<clientId>
 *   and its reverse:     pk CLINIC#<clinicId>  sk STRIPE_CUSTOMER#<mode>#<customerId>
 * - a saved card:        pk CLINIC#<clinicId>  sk CARD#<mode>#<paymentMethodId>
 *   a customer's cards   gsi1pk CLINIC#<clinicId>#<mode>#CARDS#<customerId>  gsi1sk <paymentMethodId>
 * - a connection:        pk CONNECTIONS  sk <clinicId>#<mode>   (what the missed-event sweep walks)
 * - a health counter:    pk HEALTH#<clinicId>#<mode>  sk <kind>#<yyyy-mm-ddThh>   (one item per hour, TTL)
 * - a mode's last health: pk CLINIC#<clinicId>  sk CONNECTION_HEALTH#<mode>
 * - the event ledger:    pk CLINIC#<clinicId>#<mode>#EVENTS#<paymentId ?? objectId>  sk <created, 10 digits>#<eventId>
 *   failed at least once gsi1pk CLINIC#<clinicId>#<mode>#FAILED_EVENTS  gsi1sk <created, 10 digits>#<eventId>
 * - a payout:            pk CLINIC#<clinicId>  sk PAYOUT#<mode>#<payoutId>
 *   listed by date via   gsi1pk CLINIC#<clinicId>#<mode>#PAYOUTS  gsi1sk <createdAt>#<payoutId>
 * - a payout's item:     pk CLINIC#<clinicId>  sk PAYOUT#<mode>#<payoutId>#ITEM#<balanceTransactionId>
 *   (one Query on sk between PAYOUT#<mode>#<payoutId> and PAYOUT#<mode>#<payoutId>#~ reads a payout and its items)
 * - a membership plan:   pk CLINIC#<clinicId>  sk PLAN#<mode>#<planId>
 * - a membership:        pk CLINIC#<clinicId>  sk MEMBERSHIP#<mode>#<subscriptionId>
 *   listed by date via   gsi2pk CLINIC#<clinicId>#<mode>#MEMBERSHIPS  gsi2sk <createdAt>#<subscriptionId> (KEYS_ONLY)
 * - a client's membership (pointer): pk CLINIC#<clinicId>  sk CLIENT_MEMBERSHIP#<mode>#<clientId>#<subscriptionId>
 * - a sign-up claim:     pk CLINIC#<clinicId>  sk SIGNUP#<mode>#<clientId>#<planId>
 */
/** A refund key (an arbitrary header string) as a sort-key part: sha256 hex, first 32 characters. */
export function refundKeyDigest(refundKey: string): string {
  return createHash('sha256').update(refundKey).digest('hex').slice(0, 32);
}

export const paymentKeys = {
  primary: (clinicId: string, mode: Mode, paymentId: string) => ({
    pk: `CLINIC#${clinicId}`,
    sk: `PAYMENT#${mode}#${paymentId}`,
  }),
  refund: (clinicId: string, mode: Mode, paymentId: string, refundKey: string) => ({
    pk: `CLINIC#${clinicId}`,
    sk: `PAYMENT#${mode}#${paymentId}#REFUND#${refundKeyDigest(refundKey)}`,
  }),
  dispute: (clinicId: string, mode: Mode, paymentId: string, disputeId: string) => ({
    pk: `CLINIC#${clinicId}`,
    sk: `PAYMENT#${mode}#${paymentId}#DISPUTE#${disputeId}`,
  }),
  /** Sort-key bounds of a payment and its refunds and disputes: nothing else sorts between them (ids have no `#`). */
  withChildren: (mode: Mode, paymentId: string) => ({
    from: `PAYMENT#${mode}#${paymentId}`,
    to: `PAYMENT#${mode}#${paymentId}#~`,
  }),
  byDatePartition: (clinicId: string, mode: Mode) => `CLINIC#${clinicId}#${mode}#PAYMENTS`,
  byDate: (clinicId: string, mode: Mode, createdAt: string, paymentId: string) => ({
    gsi2pk: `CLINIC#${clinicId}#${mode}#PAYMENTS`,
    gsi2sk: `${createdAt}#${paymentId}`,
  }),
  byClientPartition: (clinicId: string, mode: Mode, clientId: string) =>
    `CLINIC#${clinicId}#${mode}#CLIENT#${clientId}`,
  byClient: (clinicId: string, mode: Mode, clientId: string, createdAt: string, paymentId: string) => ({
    gsi3pk: `CLINIC#${clinicId}#${mode}#CLIENT#${clientId}`,
    gsi3sk: `${createdAt}#${paymentId}`,
  }),
  reportPartition: (clinicId: string, mode: Mode) => `CLINIC#${clinicId}#${mode}#REPORT`,
  /** `time` is an ISO instant (UTC); entries sort by it, so a window is one `BETWEEN`. */
  report: (
    clinicId: string,
    mode: Mode,
    time: string,
    kind: 'payment' | 'refund' | 'dispute',
    id: string,
  ) => ({
    gsi4pk: `CLINIC#${clinicId}#${mode}#REPORT`,
    gsi4sk: `${time}#${kind}#${id}`,
  }),
};

export const pricingKey = (clinicId: string, serviceId: string) => ({
  pk: `CLINIC#${clinicId}`,
  sk: `PRICING#${serviceId}`,
});

export const bookingKey = (clinicId: string, mode: Mode, bookingId: string) => ({
  pk: `CLINIC#${clinicId}`,
  sk: `BOOKING#${mode}#${bookingId}`,
});

export const customerKeys = {
  /** Per Stripe account: a customer belongs to the account it was made on, and a re-connect to another starts anew. */
  byClient: (clinicId: string, mode: Mode, accountId: string, clientId: string) => ({
    pk: `CLINIC#${clinicId}`,
    sk: `CUSTOMER#${mode}#${accountId}#${clientId}`,
  }),
  byStripeId: (clinicId: string, mode: Mode, customerId: string) => ({
    pk: `CLINIC#${clinicId}`,
    sk: `STRIPE_CUSTOMER#${mode}#${customerId}`,
  }),
};

export const cardKeys = {
  primary: (clinicId: string, mode: Mode, paymentMethodId: string) => ({
    pk: `CLINIC#${clinicId}`,
    sk: `CARD#${mode}#${paymentMethodId}`,
  }),
  byCustomer: (clinicId: string, mode: Mode, customerId: string, paymentMethodId: string) => ({
    gsi1pk: `CLINIC#${clinicId}#${mode}#CARDS#${customerId}`,
    gsi1sk: paymentMethodId,
  }),
};

/** Sort key of a ledger entry: Stripe's `created` (seconds, 10 digits, so it sorts as a number) and the event id. */
const ledgerSortKey = (created: number, eventId: string) => `${String(created).padStart(10, '0')}#${eventId}`;

export const ledgerKeys = {
  /**
   * The partition of one object's events: `subjectId` is the payment a charge, refund or dispute event belongs to,
   * else the event's object (a payout, a card, a subscription …), so that "the events of one payment" is one Query.
   */
  partition: (clinicId: string, mode: Mode, subjectId: string) =>
    `CLINIC#${clinicId}#${mode}#EVENTS#${subjectId}`,
  entry: (clinicId: string, mode: Mode, subjectId: string, created: number, eventId: string) => ({
    pk: `CLINIC#${clinicId}#${mode}#EVENTS#${subjectId}`,
    sk: ledgerSortKey(created, eventId),
  }),
  /** gsi1 partition of the entries that recorded a failure (sparse: only those carry gsi1 keys). */
  failedPartition: (clinicId: string, mode: Mode) => `CLINIC#${clinicId}#${mode}#FAILED_EVENTS`,
  failed: (clinicId: string, mode: Mode, created: number, eventId: string) => ({
    gsi1pk: `CLINIC#${clinicId}#${mode}#FAILED_EVENTS`,
    gsi1sk: ledgerSortKey(created, eventId),
  }),
  sortKey: ledgerSortKey,
};

export const payoutKeys = {
  primary: (clinicId: string, mode: Mode, payoutId: string) => ({
    pk: `CLINIC#${clinicId}`,
    sk: `PAYOUT#${mode}#${payoutId}`,
  }),
  item: (clinicId: string, mode: Mode, payoutId: string, balanceTransactionId: string) => ({
    pk: `CLINIC#${clinicId}`,
    sk: `PAYOUT#${mode}#${payoutId}#ITEM#${balanceTransactionId}`,
  }),
  /** Sort-key bounds of a payout and its items: nothing else sorts between them (Stripe ids have no `#`). */
  withItems: (mode: Mode, payoutId: string) => ({
    from: `PAYOUT#${mode}#${payoutId}`,
    to: `PAYOUT#${mode}#${payoutId}#~`,
  }),
  byDatePartition: (clinicId: string, mode: Mode) => `CLINIC#${clinicId}#${mode}#PAYOUTS`,
  byDate: (clinicId: string, mode: Mode, createdAt: string, payoutId: string) => ({
    gsi1pk: `CLINIC#${clinicId}#${mode}#PAYOUTS`,
    gsi1sk: `${createdAt}#${payoutId}`,
  }),
};

export const connectionKey = (clinicId: string, mode: Mode) => ({
  pk: 'CONNECTIONS',
  sk: `${clinicId}#${mode}`,
});

/** Partition-key prefix of the health counters: webhook ingest may update items under it and nothing else. */
export const healthCounterPartitionPrefix = 'HEALTH#';

export const healthCounterKeys = {
  partition: (clinicId: string, mode: Mode) => `${healthCounterPartitionPrefix}${clinicId}#${mode}`,
  /** `hour` is an ISO hour, `yyyy-mm-ddThh` (UTC). */
  bucket: (clinicId: string, mode: Mode, kind: string, hour: string) => ({
    pk: `${healthCounterPartitionPrefix}${clinicId}#${mode}`,
    sk: `${kind}#${hour}`,
  }),
};

export const connectionHealthKey = (clinicId: string, mode: Mode) => ({
  pk: `CLINIC#${clinicId}`,
  sk: `CONNECTION_HEALTH#${mode}`,
});

export const membershipKeys = {
  plan: (clinicId: string, mode: Mode, planId: string) => ({
    pk: `CLINIC#${clinicId}`,
    sk: `PLAN#${mode}#${planId}`,
  }),
  planPrefix: (mode: Mode) => `PLAN#${mode}#`,
  primary: (clinicId: string, mode: Mode, subscriptionId: string) => ({
    pk: `CLINIC#${clinicId}`,
    sk: `MEMBERSHIP#${mode}#${subscriptionId}`,
  }),
  byDatePartition: (clinicId: string, mode: Mode) => `CLINIC#${clinicId}#${mode}#MEMBERSHIPS`,
  byDate: (clinicId: string, mode: Mode, createdAt: string, subscriptionId: string) => ({
    gsi2pk: `CLINIC#${clinicId}#${mode}#MEMBERSHIPS`,
    gsi2sk: `${createdAt}#${subscriptionId}`,
  }),
  ofClient: (clinicId: string, mode: Mode, clientId: string, subscriptionId: string) => ({
    pk: `CLINIC#${clinicId}`,
    sk: `CLIENT_MEMBERSHIP#${mode}#${clientId}#${subscriptionId}`,
  }),
  ofClientPrefix: (mode: Mode, clientId: string) => `CLIENT_MEMBERSHIP#${mode}#${clientId}#`,
  signUp: (clinicId: string, mode: Mode, clientId: string, planId: string) => ({
    pk: `CLINIC#${clinicId}`,
    sk: `SIGNUP#${mode}#${clientId}#${planId}`,
  }),
};
