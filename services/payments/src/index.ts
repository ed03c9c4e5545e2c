/**
 * @basis/payments: payments at booking, saved cards, service pricing, payment lists, reports and the event ledger's
 * API, and the payments worker. It owns the payment record; other contexts change a payment only through
 * `PaymentRecords` (built by `buildPaymentRecords`).
 */
export { buildClientCustomers, buildPaymentRecords, buildPaymentsApi, buildPaymentsWorker } from './build.ts';
export {
  appliedEventMemory,
  type DisputeEntry,
  type DisputeRecord,
  type PaymentRecord,
  type PaymentStatus,
  paymentStatuses,
  type RecentRefundAsk,
  type RefundEntry,
  type RefundRecord,
  type RefundStatus,
  refundStatuses,
} from './domain/payment.ts';
export type { StripePaymentIntent } from './domain/payment-intent-event.ts';
export { paymentsContracts } from './payments-contract.ts';
export type { ClientCustomers, PaymentChildReader, PaymentRecords, PaymentStore } from './ports.ts';
export type { PaymentChangeDecision, PaymentDecisionResult } from './use-cases/update-payment.ts';
