import type { SecretStore } from '@basis/shared/secrets/clinic-secrets';
import type { Mode } from '@basis/shared/topology';
import { parsePaymentIntent } from '../domain/payment-intent-event.ts';
import type { StripeReader } from '../use-cases/apply-payment-event.ts';
import type { PaymentsGateway } from './stripe-payments-gateway.ts';

/** Reads objects from a clinic's account with the clinic's key for the mode; a worker without one retries. */
export function stripeReader(secrets: SecretStore, gateway: PaymentsGateway): StripeReader {
  const keyFor = async (clinicId: string, mode: Mode) => {
    const key = (await secrets.get(clinicId))?.[mode]?.secretKey;
    if (!key) throw new Error(`Clinic ${clinicId} has no ${mode}-mode Stripe key to read with.`);
    return key;
  };
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
