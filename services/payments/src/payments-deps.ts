import type { EventLedger } from '@basis/shared/ledger/event-ledger';
import type { Logger } from '@basis/shared/observability/logger';
import type { SecretStore } from '@basis/shared/secrets/clinic-secrets';
import type { PaymentsGateway } from './adapters/stripe-payments-gateway.ts';
import type { BookingPaymentStore } from './domain/booking-payment.ts';
import type { PricingStore } from './domain/pricing.ts';
import type { ApplyPaymentEventDeps } from './use-cases/apply-payment-event.ts';

/** Everything the payments API's use cases reach: ports only, so tests hand in fakes or emulator-backed adapters. */
export interface PaymentsApiDeps extends ApplyPaymentEventDeps {
  pricing: PricingStore;
  bookings: BookingPaymentStore;
  ledger: EventLedger;
  secrets: SecretStore;
  gateway: PaymentsGateway;
  logger: Logger;
}
