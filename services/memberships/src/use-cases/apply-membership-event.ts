import {
  type EventOutcome,
  requireModeSecrets,
  retryOnConflict,
  type WebhookEventMessage,
  writeBuffer,
} from '@basis/shared';
import {
  ConcurrentMembershipUpdateError,
  isConcurrentMembershipUpdate,
  type MembershipRecord,
} from '../domain/membership.ts';
import {
  idString,
  type StripeInvoice,
  stripeInvoicePaymentSchema,
  stripeInvoiceSchema,
  stripeSubscriptionSchema,
  subscriptionIdOf,
} from '../domain/stripe-billing-objects.ts';
import type { MembershipStore, MembershipsDeps } from '../ports.ts';
import { type MembershipTarget, recordInvoice, recordSubscription } from './record-membership.ts';

export type WorkerDeps = Pick<
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
): Promise<MembershipEventResult> {
  const subscriptionId = subscriptionIdOf(invoice);
  if (!subscriptionId) return { outcome: 'ignored' };
  if (ownedByAnother(invoice.parent?.subscription_details?.metadata, message.clinicId)) {
    return { outcome: 'ignored' };
  }
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
  if (invoice.status !== 'paid' || !paymentId) return { outcome };
  return {
    outcome,
    link: {
      paymentId,
      membershipId: subscriptionId,
      invoiceId: invoice.id,
      clientId: record?.clientId ?? null,
    },
  };
}

/** A paid invoice's PaymentIntent, to be linked to its membership once the membership is written. */
interface InvoiceLink {
  paymentId: string;
  membershipId: string;
  invoiceId: string;
  /** The membership's client as this event's decision left it. */
  clientId: string | null;
}

interface MembershipEventResult {
  outcome: EventOutcome;
  link?: InvoiceLink;
}

function linkInvoice(deps: WorkerDeps, message: WebhookEventMessage, link: InvoiceLink) {
  return deps.payments.linkInvoice(message.clinicId, message.mode, link.paymentId, {
    membershipId: link.membershipId,
    invoiceId: link.invoiceId,
    clientId: link.clientId,
  });
}

/** One event decided and its membership written (or buffered); the payment link it calls for, still to be made. */
async function decideMembershipEvent(
  deps: WorkerDeps,
  message: WebhookEventMessage,
): Promise<MembershipEventResult> {
  const { type } = message.event;
  const object = message.event.data.object;
  if (type.startsWith('customer.subscription.')) {
    const subscription = stripeSubscriptionSchema.parse(object);
    if (ownedByAnother(subscription.metadata, message.clinicId)) return { outcome: 'ignored' };
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
    return { outcome };
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
  return { outcome: 'ignored' };
}

/** The memberships worker: Subscription, Invoice and InvoicePayment events, each applied at most once, in any order. */
export async function applyMembershipEvent(
  deps: WorkerDeps,
  message: WebhookEventMessage,
): Promise<EventOutcome> {
  const { outcome, link } = await decideMembershipEvent(deps, message);
  // After the membership write, so that the payment gets the membership's client in one write. A failure here
  // retries the message: the event is then a duplicate for the membership, and the link is made (once).
  if (link) await linkInvoice(deps, message, link);
  return outcome;
}

/** A membership store that keeps a group's writes in memory until `flush`. */
export interface BufferedMembershipStore extends MembershipStore {
  /**
   * Writes each changed membership once: its latest record, conditional on the record first read (none when nothing
   * changed). Throws `ConcurrentMembershipUpdateError` when another writer changed it since.
   */
  flush(): Promise<void>;
}

/**
 * Buffers one group's membership reads and writes over `store` (`writeBuffer`): the first `get` reads through,
 * later ones answer the buffered record; `save` is checked against the buffered record's version and kept in memory.
 * Everything else (lists, sign-up claims) goes straight to `store`.
 */
export function bufferedMembershipStore(store: MembershipStore): BufferedMembershipStore {
  const buffer = writeBuffer<MembershipRecord>();
  const keyOf = (clinicId: string, mode: string, membershipId: string) =>
    `${clinicId}#${mode}#${membershipId}`;
  return {
    ...store,
    get: (clinicId, mode, membershipId) =>
      buffer.read(keyOf(clinicId, mode, membershipId), () => store.get(clinicId, mode, membershipId)),
    async save(record, previous) {
      if (!buffer.hold(keyOf(record.clinicId, record.mode, record.membershipId), record, previous?.version)) {
        throw new ConcurrentMembershipUpdateError(record.membershipId);
      }
    },
    flush: () => buffer.flush((latest, first) => store.save(latest, first)),
  };
}

/** A group's flush that loses its condition re-runs the group on fresh data; more losses than this is a real problem. */
const maxGroupAttempts = 8;

/**
 * The membership a memberships-queue event concerns: its Subscription, or the Subscription its invoice bills, keyed
 * by clinic and mode. Undefined for an InvoicePayment (it names only its invoice: finding the Subscription costs a
 * Stripe read) and for anything that does not parse: applied alone.
 */
export function membershipGroupOf(message: WebhookEventMessage): string | undefined {
  const { type, data } = message.event;
  const scope = `${message.clinicId}#${message.mode}`;
  if (type.startsWith('customer.subscription.')) return `${scope}#${data.object.id}`;
  if (type.startsWith('invoice.')) {
    const invoice = stripeInvoiceSchema.safeParse(data.object);
    const subscriptionId = invoice.success ? subscriptionIdOf(invoice.data) : null;
    return subscriptionId ? `${scope}#${subscriptionId}` : undefined;
  }
  return undefined;
}

const subscriptionEventOrder: Readonly<Record<string, number>> = {
  'customer.subscription.created': 0,
  'customer.subscription.updated': 1,
  'customer.subscription.deleted': 2,
};

/**
 * Within one second: the Subscription's events first (created, updated, deleted), then its invoices', so that an
 * invoice finds its membership recorded instead of reading the Subscription from Stripe.
 */
export function membershipEventOrder(message: WebhookEventMessage): number {
  return subscriptionEventOrder[message.event.type] ?? 10;
}

/**
 * Applies one membership's events from one batch, in order: one read, each event decided on the in-memory record by
 * the same decisions as alone, one conditional write at the end (none when nothing changed; a lost condition re-runs
 * the group on fresh data). Then paid invoices' payments are linked, in order, with the membership's client as the
 * group left it: inside the group, so that an event applied alone after the batch's groups (an InvoicePayment of the
 * same invoice) finds the link made. A link that fails fails the group: its events come back as duplicates for the
 * membership, and the links are made then (as when one event's link fails alone).
 */
export async function applyMembershipGroup(
  deps: WorkerDeps,
  messages: readonly WebhookEventMessage[],
): Promise<EventOutcome[]> {
  const { memberships, results } = await retryOnConflict(
    isConcurrentMembershipUpdate,
    maxGroupAttempts,
    async () => {
      const memberships = bufferedMembershipStore(deps.memberships);
      const results: MembershipEventResult[] = [];
      for (const message of messages)
        results.push(await decideMembershipEvent({ ...deps, memberships }, message));
      await memberships.flush();
      return { memberships, results };
    },
  );
  for (const [index, { link }] of results.entries()) {
    if (!link) continue;
    const message = messages[index] as WebhookEventMessage;
    // Answered from the buffer: the record the group just wrote.
    const latest = await memberships.get(message.clinicId, message.mode, link.membershipId);
    await linkInvoice(deps, message, { ...link, clientId: latest?.clientId ?? link.clientId });
  }
  return results.map((result) => result.outcome);
}
