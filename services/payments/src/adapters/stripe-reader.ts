import { type Mode, requireModeSecrets, type SecretStore } from '@basis/shared';
import { parsePaymentIntent } from '../domain/payment-intent-event.ts';
import type { PaymentsGateway, StripeReader } from '../ports.ts';

/** Reads objects from a clinic's account with the clinic's key for the mode; a worker without one retries. */
export function stripeReader(secrets: SecretStore, gateway: PaymentsGateway): StripeReader {
  const keyFor = async (clinicId: string, mode: Mode) =>
    (await requireModeSecrets(secrets, clinicId, mode)).secretKey;
  return {
    async paymentIntent(clinicId, mode, paymentIntentId) {
      const { paymentIntent } = await gateway.retrievePaymentIntent(
        await keyFor(clinicId, mode),
        paymentIntentId,
      );
      return parsePaymentIntent(paymentIntent);
    },
    async paymentMethod(clinicId, mode, paymentMethodId) {
      return gateway.retrievePaymentMethod(await keyFor(clinicId, mode), paymentMethodId);
    },
  };
}
