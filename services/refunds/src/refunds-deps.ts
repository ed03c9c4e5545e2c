import type { PaymentStore } from '@basis/payments/domain/payment';
import type { StripePaymentIntent } from '@basis/payments/domain/payment-intent-event';
import type { Logger } from '@basis/shared/observability/logger';
import type { EventQueue } from '@basis/shared/queue/sqs-event-queue';
import type { SecretStore } from '@basis/shared/secrets/clinic-secrets';
import type { Mode } from '@basis/shared/topology';
import type { RefundsGateway } from './adapters/stripe-refunds-gateway.ts';

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
