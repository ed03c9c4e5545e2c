import type { EventLedger, EventOutcome, Logger, Mode, SecretStore } from '@basis/shared';
import type Stripe from 'stripe';
import type { BookingPayment } from './domain/booking-payment.ts';
import type { CardRecord, CardReference, CustomerRecord } from './domain/customer.ts';
import type { PaymentRecord, PaymentStatus } from './domain/payment.ts';
import type { StripePaymentIntent } from './domain/payment-intent-event.ts';
import type { Pricing } from './domain/pricing.ts';
import type { PaymentDecisionResult } from './use-cases/update-payment.ts';
export interface BookingPaymentStore {
  get(clinicId: string, mode: Mode, bookingId: string): Promise<BookingPayment | undefined>;
  /** Claims the booking; answers false when another request already did. */
  claim(claim: BookingPayment): Promise<boolean>;
  setPaymentId(clinicId: string, mode: Mode, bookingId: string, paymentId: string): Promise<void>;
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

/** The port for payment records. */
export interface PaymentStore {
  get(clinicId: string, paymentId: string): Promise<PaymentRecord | undefined>;
  /** Newest first, through the by-date index. */
  list(
    clinicId: string,
    mode: Mode,
    query: PaymentListQuery,
  ): Promise<{ items: PaymentRecord[]; nextCursor: string | null }>;
  /** Writes the record if the stored version is still `expectedVersion` (undefined: it must not exist yet). */
  save(record: PaymentRecord, expectedVersion: number | undefined): Promise<void>;
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
  gateway: PaymentsGateway;
  logger: Logger;
}

export interface ApplyPaymentEventDeps {
  payments: PaymentStore;
  customers: CustomerStore;
  stripe: StripeReader;
  now: () => Date;
}

/**
 * What payments offers the contexts that change a payment without owning it (refunds and disputes, which live in
 * the payment's item; payouts, which link it). They go through this port, never through the table.
 */
export interface PaymentRecords {
  get(clinicId: string, paymentId: string): Promise<PaymentRecord | undefined>;
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
    paymentId: string,
    decide: (current: PaymentRecord | undefined) => Promise<PaymentDecisionResult>,
  ): Promise<EventOutcome>;
  /** Links a payment to the payout that paid it out; no write when it already is. */
  linkPayout(clinicId: string, paymentId: string, payoutId: string): Promise<void>;
}
