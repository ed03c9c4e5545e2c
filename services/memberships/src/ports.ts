import type { ClientCustomers, PaymentRecords } from '@basis/payments';
import type { Logger, Mode, SecretStore } from '@basis/shared';
import type { MembershipRecord, MembershipStatus } from './domain/membership.ts';
import type { PlanRecord } from './domain/plan.ts';
import type { StripeInvoice, StripeSubscription } from './domain/stripe-billing-objects.ts';

export interface PlanStore {
  get(clinicId: string, mode: Mode, planId: string): Promise<PlanRecord | undefined>;
  /** Every plan of the clinic in the mode (a clinic has a handful). */
  list(clinicId: string, mode: Mode): Promise<PlanRecord[]>;
  /** Writes if the stored version (and mode) is still `expectedVersion` (undefined: none yet); false if not. */
  save(plan: PlanRecord, expectedVersion: number | undefined): Promise<boolean>;
}

/** Which Subscription a client's sign-up to a plan made: one claim per client, plan and mode, renewed per generation. */
export interface SignUpClaim {
  clinicId: string;
  mode: Mode;
  clientId: string;
  planId: string;
  /** 1 for the first sign-up; each sign-up after the last membership ended takes the next. */
  generation: number;
  subscriptionId: string | null;
  /** The caller's Idempotency-Key, if it sent one. */
  requestKey: string | null;
  createdAt: string;
}

export interface MembershipListQuery {
  status?: MembershipStatus;
  limit: number;
  cursor?: string;
}

export interface MembershipStore {
  get(clinicId: string, mode: Mode, membershipId: string): Promise<MembershipRecord | undefined>;
  /**
   * Writes the record if the stored one is still `previous` (same version and mode; none when undefined), else throws
   * `ConcurrentMembershipUpdateError`. The write that first names the client also writes the client's pointer.
   */
  save(record: MembershipRecord, previous: MembershipRecord | undefined): Promise<void>;
  /** The clinic's memberships, newest first (by-date index). */
  list(
    clinicId: string,
    mode: Mode,
    query: MembershipListQuery,
  ): Promise<{ items: MembershipRecord[]; nextCursor: string | null }>;
  /** A client's memberships (through the client's pointers), newest first. */
  ofClient(clinicId: string, mode: Mode, clientId: string): Promise<MembershipRecord[]>;
  claim(clinicId: string, mode: Mode, clientId: string, planId: string): Promise<SignUpClaim | undefined>;
  /** Takes the claim's next generation; false when another request took it first. */
  takeClaim(claim: SignUpClaim, previousGeneration: number | undefined): Promise<boolean>;
  setClaimSubscription(claim: SignUpClaim, subscriptionId: string): Promise<void>;
}

/** A Subscription with what a sign-up answer needs from its latest invoice. */
export interface SubscriptionView {
  subscription: StripeSubscription;
  latestInvoice: StripeInvoice | null;
  /** `latest_invoice.confirmation_secret.client_secret`: what Stripe.js confirms the first payment with. */
  clientSecret: string | null;
}

/** What memberships ask of Stripe Billing. Every call carries the clinic's key; writes carry our idempotency key. */
export interface BillingGateway {
  createProduct(
    secretKey: string,
    input: { name: string; metadata: Record<string, string>; idempotencyKey: string },
  ): Promise<string>;
  createPrice(
    secretKey: string,
    input: {
      productId: string;
      amount: number;
      currency: string;
      interval: string;
      intervalCount: number;
      metadata: Record<string, string>;
      idempotencyKey: string;
    },
  ): Promise<string>;
  createSubscription(
    secretKey: string,
    input: { customerId: string; priceId: string; metadata: Record<string, string>; idempotencyKey: string },
  ): Promise<SubscriptionView>;
  retrieveSubscription(secretKey: string, subscriptionId: string): Promise<SubscriptionView>;
  /**
   * Attempts an open invoice's payment with a saved card. A decline or a card that needs the client (3-D Secure) is
   * an outcome, not an error: the invoice and its Subscription show it.
   */
  payInvoice(
    secretKey: string,
    invoiceId: string,
    input: { paymentMethodId: string; offSession: boolean; idempotencyKey: string },
  ): Promise<void>;
  setCancelAtPeriodEnd(
    secretKey: string,
    subscriptionId: string,
    idempotencyKey: string,
  ): Promise<SubscriptionView>;
  cancelNow(secretKey: string, subscriptionId: string, idempotencyKey: string): Promise<SubscriptionView>;
  /** An invoice with the PaymentIntent of its default InvoicePayment. */
  retrieveInvoice(
    secretKey: string,
    invoiceId: string,
  ): Promise<{ invoice: StripeInvoice; paymentIntentId: string | null }>;
  /** Why a PaymentIntent's last attempt failed, or null. */
  paymentFailure(
    secretKey: string,
    paymentIntentId: string,
  ): Promise<{ code: string; message: string } | null>;
}

export interface MembershipsDeps {
  plans: PlanStore;
  memberships: MembershipStore;
  customers: ClientCustomers;
  payments: PaymentRecords;
  secrets: SecretStore;
  billing: BillingGateway;
  logger: Logger;
  now: () => Date;
}
