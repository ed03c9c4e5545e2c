import type Stripe from 'stripe';
import type { Simulator } from '../support/simulator.ts';
import { handledEventType } from '../support/system.ts';
import type { ClinicWork } from './workload.ts';

/** What one clinic's records say against Stripe's own state. */
export interface ClinicVerdict {
  /** Every Event Stripe lists for the account (all types). */
  events: number;
  /** Events of a type the system handles (routed to a queue). */
  handledEvents: number;
  /** Handled events with no ledger entry, or whose entry still says `failed`. */
  lost: string[];
  /** Effects counted more than once: a refund or dispute twice on a record, more refunded than Stripe says… */
  appliedTwice: string[];
  /** Any other difference between a record and Stripe's object (status, amounts, a missing refund or card). */
  differences: string[];
  payments: number;
  refunds: number;
  disputes: number;
  cards: number;
}

// biome-ignore lint/suspicious/noExplicitAny: the bench walks arbitrary JSON bodies of the API's answers
type Json = Record<string, any>;

/** Our status for a PaymentIntent, as the payments worker maps it: a refused card is a failed attempt. */
function expectedStatus(paymentIntent: Stripe.PaymentIntent): string {
  if (paymentIntent.status === 'requires_payment_method')
    return paymentIntent.last_payment_error ? 'failed' : 'requires_payment_method';
  if (paymentIntent.status === 'requires_confirmation') return 'requires_payment_method';
  return paymentIntent.status;
}

/**
 * The ledger partition an event is filed under, as the ledger keys it: the payment a charge, refund or dispute
 * belongs to, else the event's own object.
 */
function ledgerSubject(event: Stripe.Event): string {
  const object = event.data.object as { id: string; object?: string; payment_intent?: unknown };
  if (object.object === 'payment_intent') return object.id;
  const paymentIntent = object.payment_intent;
  if (typeof paymentIntent === 'string') return paymentIntent;
  if (paymentIntent && typeof paymentIntent === 'object' && 'id' in paymentIntent)
    return String((paymentIntent as { id: unknown }).id);
  return object.id;
}

/** The outcomes of the given events' ledger entries, read per subject (payment or object) through the API. */
async function ledger(work: ClinicWork, events: readonly Stripe.Event[]): Promise<Map<string, string>> {
  const outcomes = new Map<string, string>();
  for (const subject of new Set(events.map(ledgerSubject))) {
    const selector = subject.startsWith('pi_') ? 'paymentId' : 'objectId';
    let cursor: string | null = null;
    do {
      const query: string = `?mode=test&${selector}=${subject}&limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
      const page = await work.session.api('GET', `/events${query}`);
      if (page.status !== 200) throw new Error(`bench: ledger answered ${page.status}`);
      for (const entry of page.body.data as Json[]) outcomes.set(entry.eventId, entry.outcome);
      cursor = page.body.nextCursor as string | null;
    } while (cursor);
  }
  return outcomes;
}

function compareRefunds(id: string, record: Json, refunds: Stripe.Refund[], verdict: ClinicVerdict) {
  const ours = (record.refunds as Json[]).filter((refund) => refund.refundId !== null);
  const seen = new Set<string>();
  for (const refund of ours) {
    if (seen.has(refund.refundId))
      verdict.appliedTwice.push(`${id}: refund ${refund.refundId} recorded twice`);
    seen.add(refund.refundId);
    const theirs = refunds.find((candidate) => candidate.id === refund.refundId);
    if (!theirs) verdict.differences.push(`${id}: refund ${refund.refundId} unknown to Stripe`);
    else if (theirs.amount !== refund.amount || theirs.status !== refund.status)
      verdict.differences.push(
        `${id}: refund ${refund.refundId} is ${refund.amount} ${refund.status}, Stripe says ${theirs.amount} ${theirs.status}`,
      );
  }
  for (const theirs of refunds)
    if (!seen.has(theirs.id))
      verdict.differences.push(`${id}: refund ${theirs.id} (${theirs.status}) missing`);
  if (ours.length > refunds.length)
    verdict.appliedTwice.push(`${id}: ${ours.length} refunds, Stripe has ${refunds.length}`);
}

function comparePayment(
  paymentIntent: Stripe.PaymentIntent,
  record: Json,
  charge: Stripe.Charge | undefined,
  refunds: Stripe.Refund[],
  disputes: Stripe.Dispute[],
  verdict: ClinicVerdict,
) {
  const id = paymentIntent.id;
  if (record.status !== expectedStatus(paymentIntent))
    verdict.differences.push(`${id}: status ${record.status}, Stripe says ${paymentIntent.status}`);
  if (record.amount !== paymentIntent.amount) verdict.differences.push(`${id}: amount ${record.amount}`);
  const refunded = charge?.amount_refunded ?? 0;
  if (record.amountRefunded > refunded)
    verdict.appliedTwice.push(`${id}: amountRefunded ${record.amountRefunded}, Stripe says ${refunded}`);
  else if (record.amountRefunded < refunded)
    verdict.differences.push(`${id}: amountRefunded ${record.amountRefunded}, Stripe says ${refunded}`);
  compareRefunds(id, record, refunds, verdict);
  const ours = record.disputes as Json[];
  if (new Set(ours.map((dispute) => dispute.disputeId)).size !== ours.length || ours.length > disputes.length)
    verdict.appliedTwice.push(`${id}: ${ours.length} disputes recorded, Stripe has ${disputes.length}`);
  for (const dispute of disputes) {
    const mine = ours.find((candidate) => candidate.disputeId === dispute.id);
    if (!mine) verdict.differences.push(`${id}: dispute ${dispute.id} missing`);
    else if (mine.status !== dispute.status)
      verdict.differences.push(
        `${id}: dispute ${dispute.id} is ${mine.status}, Stripe says ${dispute.status}`,
      );
  }
}

async function compareCards(work: ClinicWork, sim: Simulator, apiKey: string, verdict: ClinicVerdict) {
  for (const [clientId, customerId] of work.customers) {
    const theirs = new Set<string>();
    for await (const method of sim.stripe.customers.listPaymentMethods(
      customerId,
      { limit: 100 },
      { apiKey },
    ))
      theirs.add(method.id);
    const listed = await work.session.api('GET', `/clients/${clientId}/payment-methods?mode=test`);
    const ours = (listed.body.data as Json[]).map((card) => card.id as string);
    verdict.cards += theirs.size;
    if (new Set(ours).size !== ours.length) verdict.appliedTwice.push(`${clientId}: a card listed twice`);
    const missing = [...theirs].filter((id) => !ours.includes(id));
    const extra = ours.filter((id) => !theirs.has(id));
    if (missing.length > 0 || extra.length > 0)
      verdict.differences.push(
        `${clientId}: cards missing ${missing.join(',') || '-'}, extra ${extra.join(',') || '-'}`,
      );
  }
}

/** Every handled event Stripe lists must be in the ledger with a settled outcome. */
async function compareLedger(work: ClinicWork, sim: Simulator, apiKey: string, verdict: ClinicVerdict) {
  const handled: Stripe.Event[] = [];
  for await (const event of sim.stripe.events.list({ limit: 100 }, { apiKey })) {
    verdict.events++;
    if (handledEventType(event.type)) handled.push(event);
  }
  const outcomes = await ledger(work, handled);
  for (const event of handled) {
    verdict.handledEvents++;
    const outcome = outcomes.get(event.id);
    if (outcome === undefined || outcome === 'failed')
      verdict.lost.push(`${event.id} ${event.type} (${outcome ?? 'not in the ledger'})`);
  }
}

/**
 * Reads Stripe's own state of the clinic's account back from the simulator (PaymentIntents, charges, refunds,
 * disputes, customers' cards, events) and compares each object with what the system shows through its API.
 */
export async function verifyClinic(work: ClinicWork, sim: Simulator): Promise<ClinicVerdict> {
  const apiKey = work.session.keys.secretKey;
  const options = { apiKey };
  const verdict: ClinicVerdict = {
    events: 0,
    handledEvents: 0,
    lost: [],
    appliedTwice: [],
    differences: [],
    payments: 0,
    refunds: 0,
    disputes: 0,
    cards: 0,
  };
  await compareLedger(work, sim, apiKey, verdict);
  const charges = new Map<string, Stripe.Charge>();
  for await (const charge of sim.stripe.charges.list({ limit: 100 }, options))
    if (typeof charge.payment_intent === 'string' && charge.status === 'succeeded')
      charges.set(charge.payment_intent, charge);
  const refunds = new Map<string, Stripe.Refund[]>();
  for await (const refund of sim.stripe.refunds.list({ limit: 100 }, options)) {
    const key = String(refund.payment_intent);
    refunds.set(key, [...(refunds.get(key) ?? []), refund]);
    verdict.refunds++;
  }
  const disputes = new Map<string, Stripe.Dispute[]>();
  for await (const dispute of sim.stripe.disputes.list({ limit: 100 }, options)) {
    const key = String(dispute.payment_intent);
    disputes.set(key, [...(disputes.get(key) ?? []), dispute]);
    verdict.disputes++;
  }
  for await (const paymentIntent of sim.stripe.paymentIntents.list({ limit: 100 }, options)) {
    verdict.payments++;
    const read = await work.session.api('GET', `/payments/${paymentIntent.id}`);
    if (read.status !== 200) {
      verdict.differences.push(`${paymentIntent.id}: no record (${read.status})`);
      continue;
    }
    comparePayment(
      paymentIntent,
      read.body,
      charges.get(paymentIntent.id),
      refunds.get(paymentIntent.id) ?? [],
      disputes.get(paymentIntent.id) ?? [],
      verdict,
    );
  }
  await compareCards(work, sim, apiKey, verdict);
  return verdict;
}
