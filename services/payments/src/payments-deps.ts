import type { Logger } from '@basis/shared/adapters/logger';
import type { BookingPaymentStore } from '@basis/shared/records/booking-payment';
import type { EventLedger } from '@basis/shared/records/event-ledger';
import type { PricingStore } from '@basis/shared/records/pricing';
import type { SecretStore } from '@basis/shared/secrets/clinic-secrets';
import type { PaymentsGateway } from '@basis/shared/stripe/payments-gateway';
import type { ApplyPaymentEventDeps } from './apply-payment-event.ts';

/** Everything the payments API's use cases reach: ports only, so tests hand in fakes or emulator-backed adapters. */
export interface PaymentsApiDeps extends ApplyPaymentEventDeps {
  pricing: PricingStore;
  bookings: BookingPaymentStore;
  ledger: EventLedger;
  secrets: SecretStore;
  gateway: PaymentsGateway;
  logger: Logger;
}
