import { type EventOutcome, requireModeSecrets, type WebhookEventMessage } from '@basis/shared';
import {
  idString,
  type StripeInvoice,
  stripeInvoicePaymentSchema,
  stripeInvoiceSchema,
  stripeSubscriptionSchema,
  subscriptionIdOf,
} from '../domain/stripe-billing-objects.ts';
import type { MembershipsDeps } from '../ports.ts';
import { type MembershipTarget, recordInvoice, recordSubscription } from './record-membership.ts';

type WorkerDeps = Pick<
  MembershipsDeps,
  'memberships' | 'billing' | 'payments' | 'customers' | 'secrets' | 'now'
>;

const failureEvents: Readonly<Record<string, { code: string; message: string }>> = {
  'invoice.payment_failed': { code: 'payment_failed', message: 'The payment was declined.' },
  'invoice.payment_action_required': {
    code: 'authentication_required',
    message: 'The card needs the client to authenticate the payment (3-D Secure).',
  },
};

function targetOf(deps: WorkerDeps, message: WebhookEventMessage, membershipId: string): MembershipTarget {
  return {
    clinicId: message.clinicId,
    mode: message.mode,
    membershipId,
    secretKey: async () => (await requireModeSecrets(deps.secrets, message.clinicId, message.mode)).secretKey,
  };
}

/** A Subscription or invoice of another clinic on the same Stripe account (metadata says whose it is). */
function ownedByAnother(metadata: Record<string, string> | null | undefined, clinicId: string): boolean {
  const owner = metadata?.clinic_id;
  return owner !== undefined && owner !== clinicId;
}

/**
 * A membership invoice event: the invoice's state onto the membership's latest invoice; a paid invoice's
 * PaymentIntent linked to the membership through payments' port (a Payment like any other); a failed attempt's reason
 * read from its PaymentIntent.
 */
async function applyInvoice(
  deps: WorkerDeps,
  message: WebhookEventMessage,
  invoice: StripeInvoice,
  knownPaymentId: string | null,
): Promise<EventOutcome> {
  const subscriptionId = subscriptionIdOf(invoice);
  if (!subscriptionId) return 'ignored';
  if (ownedByAnother(invoice.parent?.subscription_details?.metadata, message.clinicId)) return 'ignored';
  const target = targetOf(deps, message, subscriptionId);
  let paymentId = knownPaymentId;
  let failure: { code: string; message: string } | null = null;
  const failed = failureEvents[message.event.type];
  if (invoice.status === 'paid' || failed) {
    const secretKey = await target.secretKey();
    paymentId ??= (await deps.billing.retrieveInvoice(secretKey, invoice.id)).paymentIntentId;
    if (failed) failure = (paymentId && (await deps.billing.paymentFailure(secretKey, paymentId))) || failed;
  }
  const facts = {
    eventId: message.event.id,
    invoice,
    paymentId: invoice.status === 'paid' ? paymentId : null,
    failure,
  };
  const { outcome, record } = await recordInvoice(deps, target, facts, message.event.created);
  if (invoice.status === 'paid' && paymentId) {
    // After the membership write, so that the payment gets the membership's client in one write. A failure here
    // retries the message: the event is then a duplicate for the membership, and the link is made (once).
    await deps.payments.linkInvoice(message.clinicId, message.mode, paymentId, {
      membershipId: subscriptionId,
      invoiceId: invoice.id,
      clientId: record?.clientId ?? null,
    });
  }
  return outcome;
}

/** The memberships worker: Subscription, Invoice and InvoicePayment events, each applied at most once, in any order. */
export async function applyMembershipEvent(
  deps: WorkerDeps,
  message: WebhookEventMessage,
): Promise<EventOutcome> {
  const { type } = message.event;
  const object = message.event.data.object;
  if (type.startsWith('customer.subscription.')) {
    const subscription = stripeSubscriptionSchema.parse(object);
    if (ownedByAnother(subscription.metadata, message.clinicId)) return 'ignored';
    if (!subscription.metadata?.client_id) {
      // A subscription made outside Basis: its client is the one whose Customer it bills, when Basis made that Customer.
      const clientId = await deps.customers.clientOf(
        message.clinicId,
        message.mode,
        idString(subscription.customer),
      );
      if (clientId) subscription.metadata = { ...subscription.metadata, client_id: clientId };
    }
    const { outcome } = await recordSubscription(deps, targetOf(deps, message, subscription.id), {
      eventId: message.event.id,
      eventCreated: message.event.created,
      subscription,
    });
    return outcome;
  }
  if (type === 'invoice_payment.paid') {
    const invoicePayment = stripeInvoicePaymentSchema.parse(object);
    const { secretKey } = await requireModeSecrets(deps.secrets, message.clinicId, message.mode);
    const { invoice } = await deps.billing.retrieveInvoice(secretKey, idString(invoicePayment.invoice));
    const intent = invoicePayment.payment.payment_intent;
    return applyInvoice(deps, message, invoice, intent ? idString(intent) : null);
  }
  if (type.startsWith('invoice.')) {
    return applyInvoice(deps, message, stripeInvoiceSchema.parse(object), null);
  }
  return 'ignored';
}
