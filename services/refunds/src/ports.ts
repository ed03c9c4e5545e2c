import type { PaymentRecords } from '@basis/payments';
import type { EventQueue, Logger, Metrics, SecretStore } from '@basis/shared';
import type Stripe from 'stripe';

/** Everything the refunds use cases reach: ports only. */
export interface RefundsDeps {
  /** Payments' port: refunds and disputes change a payment only through it. */
  payments: PaymentRecords;
  secrets: SecretStore;
  /**
   * The same secrets read past the container's cache, before a refund is made: after a re-connect made through
   * another container, a cached copy would still hold the replaced account's key.
   */
  freshSecrets: SecretStore;
  refunds: RefundsGateway;
  queue: EventQueue;
  logger: Logger;
  /** Counts what operations must see (`RefundStuckPending`). */
  metrics: Metrics;
  now: () => Date;
  newRefundKey: () => string;
}

export type RefundReason = 'requested_by_customer' | 'duplicate' | 'fraudulent';

/** What refunds ask of Stripe. Every call carries the clinic's key. */
export interface RefundsGateway {
  createRefund(
    secretKey: string,
    input: {
      paymentIntentId: string;
      amount: number;
      reason: RefundReason | null;
      metadata: Record<string, string>;
      idempotencyKey: string;
    },
  ): Promise<Stripe.Refund>;
  /** Every refund of a PaymentIntent, all pages. */
  listRefunds(secretKey: string, paymentIntentId: string): Promise<Stripe.Refund[]>;
}
