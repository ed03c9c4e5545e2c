import type { Mode } from '@basis/shared';
import type { PaymentRecord } from '../domain/payment.ts';
import { applyPaymentIntentEvent, type StripePaymentIntent } from '../domain/payment-intent-event.ts';
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
      // One read and one write: a payment not recorded yet is recorded from Stripe and linked in the same write
      // (a membership's first invoice usually arrives before, or without, its PaymentIntent's events).
      let linked: PaymentRecord | undefined;
      let live: StripePaymentIntent | undefined;
      await updatePayment(deps.payments, clinicId, mode, paymentId, async (current) => {
        let base = current;
        if (!base) {
          live ??= await deps.stripe.paymentIntent(clinicId, mode, paymentId);
          base = firstRecordOf(live, { clinicId, mode, now: deps.now() });
          if (!base) {
            linked = undefined;
            return { outcome: 'ignored' };
          }
        } else if (hasLink(base, link)) {
          linked = base;
          return { outcome: 'duplicate' };
        }
        linked = {
          ...base,
          membershipId: link.membershipId,
          invoiceId: link.invoiceId,
          bookingId: null,
          clientId: base.clientId ?? link.clientId,
          updatedAt: deps.now().toISOString(),
          version: current ? base.version + 1 : base.version,
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

/** The record Stripe's PaymentIntent makes of a payment not recorded yet; undefined when another clinic's. */
function firstRecordOf(
  live: StripePaymentIntent,
  context: { clinicId: string; mode: Mode; now: Date },
): PaymentRecord | undefined {
  // One Stripe account connected by two clinics: another clinic's payment is not recorded here.
  const owner = live.metadata?.clinic_id;
  if (owner !== undefined && owner !== context.clinicId) return undefined;
  const decision = applyPaymentIntentEvent(
    undefined,
    {
      eventId: `stripe_read_${live.id}`,
      eventCreated: Math.floor(context.now.getTime() / 1000),
      paymentIntent: live,
    },
    context,
  );
  return decision.outcome === 'applied' ? decision.record : undefined;
}

function hasLink(record: PaymentRecord, link: Parameters<PaymentRecords['linkInvoice']>[3]): boolean {
  return (
    record.membershipId === link.membershipId &&
    record.invoiceId === link.invoiceId &&
    (record.clientId !== null || link.clientId === null)
  );
}
