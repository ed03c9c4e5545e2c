import type { PaymentRecord } from '../domain/payment.ts';
import type { PaymentRecords, PaymentStore, StripeReader } from '../ports.ts';
import { applyPaymentIntentFacts } from './apply-payment-event.ts';
import { changePayment, updatePayment } from './update-payment.ts';

/** The `PaymentRecords` port over the payment store, with Stripe to record a payment not seen yet. */
export function paymentRecords(deps: {
  payments: PaymentStore;
  stripe: Pick<StripeReader, 'paymentIntent'>;
  now: () => Date;
}): PaymentRecords {
  const records: PaymentRecords = {
    get: (clinicId, mode, paymentId) => deps.payments.get(clinicId, mode, paymentId),
    find: (clinicId, paymentId) => deps.payments.find(clinicId, paymentId),
    refund: (clinicId, mode, paymentId, refundKey) =>
      deps.payments.refund(clinicId, mode, paymentId, refundKey),
    async ensureRecorded(clinicId, mode, paymentId) {
      const stored = await deps.payments.get(clinicId, mode, paymentId);
      if (stored) return stored;
      const live = await deps.stripe.paymentIntent(clinicId, mode, paymentId);
      await applyPaymentIntentFacts(
        deps,
        { clinicId, mode },
        {
          eventId: `stripe_read_${paymentId}`,
          eventCreated: Math.floor(deps.now().getTime() / 1000),
          paymentIntent: live,
        },
      );
      // Still absent: the payment belongs to another clinic on the same Stripe account.
      return deps.payments.get(clinicId, mode, paymentId);
    },
    update: (clinicId, mode, paymentId, decide) =>
      updatePayment(deps.payments, clinicId, mode, paymentId, decide),
    change: (clinicId, mode, paymentId, decide) =>
      changePayment(deps.payments, clinicId, mode, paymentId, decide),
    async linkInvoice(clinicId, mode, paymentId, link) {
      const stored = await records.ensureRecorded(clinicId, mode, paymentId);
      if (!stored) return undefined;
      let linked: PaymentRecord | undefined = stored;
      await updatePayment(deps.payments, clinicId, mode, paymentId, async (current) => {
        linked = current;
        if (
          !current ||
          (current.membershipId === link.membershipId &&
            current.invoiceId === link.invoiceId &&
            (current.clientId !== null || link.clientId === null))
        ) {
          return { outcome: 'duplicate' };
        }
        linked = {
          ...current,
          membershipId: link.membershipId,
          invoiceId: link.invoiceId,
          bookingId: null,
          clientId: current.clientId ?? link.clientId,
          updatedAt: deps.now().toISOString(),
          version: current.version + 1,
        };
        return { outcome: 'applied', record: linked };
      });
      return linked;
    },
    async linkPayout(clinicId, mode, paymentId, payoutId) {
      await updatePayment(deps.payments, clinicId, mode, paymentId, async (current) => {
        if (!current || current.payoutId === payoutId) return { outcome: 'duplicate' };
        return {
          outcome: 'applied',
          record: { ...current, payoutId, updatedAt: deps.now().toISOString(), version: current.version + 1 },
        };
      });
    },
  };
  return records;
}
