import type { StripePaymentIntent } from '@basis/payments/domain/payment-intent-event';
import type { Logger } from '@basis/shared/adapters/logger';
import type { EventQueue } from '@basis/shared/adapters/sqs-event-queue';
import type { PaymentStore } from '@basis/shared/records/payment';
import type { SecretStore } from '@basis/shared/secrets/clinic-secrets';
import type { RefundsGateway } from '@basis/shared/stripe/refunds-gateway';
import type { Mode } from '@basis/shared/topology';

export interface RefundsDeps {
  payments: PaymentStore;
  secrets: SecretStore;
  refunds: RefundsGateway;
  /** Reads a PaymentIntent from Stripe, for a refund or dispute of a payment not recorded yet. */
  paymentIntent(clinicId: string, mode: Mode, paymentIntentId: string): Promise<StripePaymentIntent>;
  queue: EventQueue;
  logger: Logger;
  now: () => Date;
  newRefundKey: () => string;
}

/** How long after a refund is written pending the worker checks that Stripe has it. */
export const refundReconcileDelaySeconds = 60;

export function refundIdempotencyKey(clinicId: string, paymentId: string, refundKey: string): string {
  return `basis-refund-${clinicId}-${paymentId}-${refundKey}`;
}
