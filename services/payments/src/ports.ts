import type { EventLedger, EventOutcome, Logger, Mode, ModeSecrets, SecretStore } from '@basis/shared';
import type Stripe from 'stripe';
import type { BookingPayment } from './domain/booking-payment.ts';
import type { CardRecord, CardReference, CustomerRecord } from './domain/customer.ts';
import type {
  DisputeRecord,
  PaymentRecord,
  PaymentSlice,
  PaymentStatus,
  RefundRecord,
} from './domain/payment.ts';
import type { StripePaymentIntent } from './domain/payment-intent-event.ts';
import type { ReportEntry, ReportWindow } from './domain/payments-report.ts';
import type { Pricing } from './domain/pricing.ts';
import type { PaymentChangeDecision, PaymentDecisionResult } from './use-cases/update-payment.ts';
export interface BookingPaymentStore {
  get(clinicId: string, mode: Mode, bookingId: string): Promise<BookingPayment | undefined>;
  /** Claims the booking (new, or released); answers false when another request already did. */
  claim(claim: BookingPayment): Promise<boolean>;
  setPaymentId(clinicId: string, mode: Mode, bookingId: string, paymentId: string): Promise<void>;
  /**
   * Releases the booking from a canceled PaymentIntent, unless it already moved on: the next booking-payment call
   * creates a new PaymentIntent, with `nextIdempotencyKey`.
   */
  release(
    clinicId: string,
    mode: Mode,
    bookingId: string,
    canceledPaymentId: string,
    nextIdempotencyKey: string,
  ): Promise<void>;
}

export interface CustomerStore {
  byClient(
    clinicId: string,
    mode: Mode,
    accountId: string,
    clientId: string,
  ): Promise<CustomerRecord | undefined>;
  /** The customer Basis made with this Stripe id in this mode (the reverse item is keyed by mode). */
  byStripeId(clinicId: string, mode: Mode, customerId: string): Promise<CustomerRecord | undefined>;
  /** Creates the record unless one exists; answers the stored one either way (the first writer wins). */
  create(record: CustomerRecord): Promise<CustomerRecord>;
  /** Forgets a customer Stripe no longer knows (both items), unless the client already has another one. */
  forget(record: CustomerRecord): Promise<void>;
  /** A customer's cards, attached and detached, through the by-customer index. */
  cards(clinicId: string, mode: Mode, customerId: string): Promise<CardRecord[]>;
  cardById(clinicId: string, mode: Mode, paymentMethodId: string): Promise<CardRecord | undefined>;
  /** Writes the card unless the stored one has a newer or equal `stateCreated`; answers whether it wrote. */
  putCardIfNewer(card: CardRecord): Promise<boolean>;
}

export interface PaymentListQuery {
  status?: PaymentStatus;
  clientId?: string;
  /** Inclusive, ISO 8601. */
  from?: string;
  /** Exclusive, ISO 8601. */
  to?: string;
  limit: number;
  cursor?: string;
}

/**
 * One write of a payment's item collection: the payment item (conditional on `expectedVersion`), and refund and
 * dispute items (each conditional on the version before its own, `version - 1`, or on being new at version 1); all
 * also on the mode. One item is one conditional PutItem, more are one TransactWriteItems (at most 100).
 */
export interface PaymentWrite {
  clinicId: string;
  mode: Mode;
  paymentId: string;
  payment?: { record: PaymentRecord; expectedVersion: number | undefined };
  refunds?: RefundRecord[];
  disputes?: DisputeRecord[];
}

/**
 * The port for payment records. A payment is keyed by clinic, mode and id: a read or write of one mode never finds
 * the other's record.
 */
export interface PaymentStore {
  /**
   * The payment item alone, strongly consistent, with its `version`. Reads started in the same turn (the first reads
   * of a batch's groups) go as one BatchGetItem.
   */
  get(clinicId: string, mode: Mode, paymentId: string): Promise<PaymentRecord | undefined>;
  /** The payment of either mode, for routes that name no mode (a BatchGet of both keys; live first). */
  find(clinicId: string, paymentId: string): Promise<PaymentRecord | undefined>;
  /** The payment with its refunds and disputes: one Query on its item collection. */
  slice(clinicId: string, mode: Mode, paymentId: string): Promise<PaymentSlice | undefined>;
  refund(
    clinicId: string,
    mode: Mode,
    paymentId: string,
    refundKey: string,
  ): Promise<RefundRecord | undefined>;
  dispute(
    clinicId: string,
    mode: Mode,
    paymentId: string,
    disputeId: string,
  ): Promise<DisputeRecord | undefined>;
  /**
   * Newest first: a client's through gsi3 when `clientId` is set, else the clinic's through gsi2 (keys only), the
   * page's items then read in one BatchGet; `status` and `clientId` are applied after it, so a page may be short.
   */
  list(
    clinicId: string,
    mode: Mode,
    query: PaymentListQuery,
  ): Promise<{ items: PaymentRecord[]; nextCursor: string | null }>;
  /** The report entries filed in `[from, to)`: one Query on gsi4, all pages, nothing outside the window. */
  report(clinicId: string, mode: Mode, window: ReportWindow): Promise<ReportEntry[]>;
  /** Writes the payment item if the stored version is still `expectedVersion` (undefined: it must not exist yet). */
  save(record: PaymentRecord, expectedVersion: number | undefined): Promise<void>;
  /** Writes a payment and its children together; `ConcurrentUpdateError` when any condition fails. */
  write(change: PaymentWrite): Promise<void>;
}

export interface PricingStore {
  get(clinicId: string, serviceId: string): Promise<Pricing | undefined>;
  put(clinicId: string, serviceId: string, pricing: Pricing): Promise<void>;
}

export interface PaymentIntentSummary {
  paymentIntent: Stripe.PaymentIntent;
  clientSecret: string;
}

/** What payments at booking and saved cards ask of Stripe. Every call carries the clinic's key. */
export interface PaymentsGateway {
  createCustomer(
    secretKey: string,
    input: { clinicId: string; clientId: string; idempotencyKey: string },
  ): Promise<{ customerId: string }>;
  createPaymentIntent(
    secretKey: string,
    input: {
      amount: number;
      currency: string;
      customerId: string;
      paymentMethodId: string | undefined;
      savePaymentMethod: boolean;
      /**
       * Confirm at once with the saved `paymentMethodId`, the client absent (a no-show fee, say). A decline or a card
       * that needs the client (`authentication_required`) is answered as the PaymentIntent Stripe left, not thrown.
       */
      offSession?: boolean;
      metadata: Record<string, string>;
      idempotencyKey: string;
    },
  ): Promise<PaymentIntentSummary>;
  retrievePaymentIntent(secretKey: string, paymentIntentId: string): Promise<PaymentIntentSummary>;
  createSetupIntent(
    secretKey: string,
    input: { customerId: string; metadata: Record<string, string>; idempotencyKey: string },
  ): Promise<{ setupIntentId: string; clientSecret: string }>;
  retrievePaymentMethod(secretKey: string, paymentMethodId: string): Promise<CardReference>;
  /** Detaches the card from its customer; a card attached to no customer any more counts as detached. */
  detachPaymentMethod(secretKey: string, paymentMethodId: string): Promise<void>;
  /** Cancels a PaymentIntent that has not succeeded; Stripe refuses (400) once it has. */
  cancelPaymentIntent(secretKey: string, paymentIntentId: string): Promise<Stripe.PaymentIntent>;
  /** The customer's default card on Stripe; `StripeObjectMissingError` when the customer is missing or deleted. */
  defaultPaymentMethodOf(secretKey: string, customerId: string): Promise<string | null>;
}

/** Reads from the clinic's Stripe account, with the clinic's key for the mode. */
export interface StripeReader {
  paymentIntent(clinicId: string, mode: Mode, paymentIntentId: string): Promise<StripePaymentIntent>;
  paymentMethod(clinicId: string, mode: Mode, paymentMethodId: string): Promise<CardReference>;
}

/** Everything the payments API's use cases reach: ports only, so tests hand in fakes or emulator-backed adapters. */
export interface PaymentsApiDeps extends ApplyPaymentEventDeps {
  pricing: PricingStore;
  bookings: BookingPaymentStore;
  ledger: EventLedger;
  secrets: SecretStore;
  /**
   * The same secrets read past the container's cache. Used before anything new is made on Stripe (a customer, a
   * PaymentIntent, a SetupIntent): after a re-connect to another account, made through another container, a cached
   * copy would still hold the old account's key for up to the cache's TTL.
   */
  freshSecrets: SecretStore;
  gateway: PaymentsGateway;
  logger: Logger;
}

export interface ApplyPaymentEventDeps {
  payments: PaymentStore;
  customers: CustomerStore;
  stripe: StripeReader;
  now: () => Date;
}

/** Reads of a payment's refunds and disputes, for a change's decision (strongly consistent GetItems). */
export interface PaymentChildReader {
  refund(refundKey: string): Promise<RefundRecord | undefined>;
  dispute(disputeId: string): Promise<DisputeRecord | undefined>;
}

/**
 * What payments offers the contexts that change a payment without owning it (refunds and disputes, which live in
 * the payment's item collection; payouts and memberships, which link it). They go through this port, never through
 * the table. Every method names the mode: a payment of one mode is never found, nor changed, through the other.
 */
export interface PaymentRecords extends Pick<PaymentStore, 'get' | 'find' | 'refund'> {
  /**
   * The stored payment, recorded first from Stripe when a refund, dispute or payout arrives before any event of
   * its payment (or for a payment made in the Dashboard). Undefined when the payment belongs to another clinic on
   * the same Stripe account.
   */
  ensureRecorded(clinicId: string, mode: Mode, paymentId: string): Promise<PaymentRecord | undefined>;
  /**
   * Read, decide, write once, conditional on the version read; a lost race is decided again on fresh data.
   * Anything but `applied` costs no write.
   */
  update(
    clinicId: string,
    mode: Mode,
    paymentId: string,
    decide: (current: PaymentRecord | undefined) => Promise<PaymentDecisionResult>,
  ): Promise<EventOutcome>;
  /**
   * A change of refunds or disputes: read the payment (and, through `read`, the children the decision needs),
   * decide, write what the decision names in one write (a transaction when the payment changes too: money moved),
   * each item conditional on its version; a lost race is decided again. Report facts (gsi4) are filled in here.
   */
  change(
    clinicId: string,
    mode: Mode,
    paymentId: string,
    decide: (current: PaymentRecord | undefined, read: PaymentChildReader) => Promise<PaymentChangeDecision>,
  ): Promise<EventOutcome>;
  /** Links a payment to the payout that paid it out; no write when it already is. */
  linkPayout(clinicId: string, mode: Mode, paymentId: string, payoutId: string): Promise<void>;
  /**
   * Marks a payment as the one that paid a membership invoice (`membershipId` sub_…, `invoiceId` in_…, and the
   * client, since Stripe's invoice PaymentIntents carry no metadata). The payment is recorded from Stripe first when
   * its own events have not arrived yet. No write when it is already linked. Undefined when the PaymentIntent is
   * not this clinic's.
   */
  linkInvoice(
    clinicId: string,
    mode: Mode,
    paymentId: string,
    link: { membershipId: string; invoiceId: string; clientId: string | null },
  ): Promise<PaymentRecord | undefined>;
}

/**
 * What payments offers other contexts (memberships) about a client's Stripe Customer and saved cards, so that the
 * customer logic lives in one place.
 */
export interface ClientCustomers {
  /** The client's Customer id for the mode (`cus_…`), created on first need; one per client and mode. */
  ensureCustomer(input: {
    clinicId: string;
    mode: Mode;
    clientId: string;
    /** The mode's connection: its key, and the Stripe account the customer must be on. */
    connection: Pick<ModeSecrets, 'secretKey' | 'accountId'>;
  }): Promise<string>;
  /** The client whose Customer this is, when Basis created it. */
  clientOf(clinicId: string, mode: Mode, customerId: string): Promise<string | undefined>;
  /**
   * The card to charge for the client: `paymentMethodId` when it is one of the customer's cards (else 422
   * `payment_method_not_owned`), otherwise the customer's default card (Stripe's
   * `invoice_settings.default_payment_method`, else the card saved last), or null when none is saved.
   */
  usableCard(input: {
    clinicId: string;
    mode: Mode;
    customerId: string;
    secretKey: string;
    paymentMethodId: string | undefined;
  }): Promise<string | null>;
}
