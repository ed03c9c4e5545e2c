import type Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signDevToken } from '../../local/src/dev-jwt.ts';
import type { LocalStack } from '../../local/src/local-stack.ts';
import { apiClient, type Json } from '../support/clinic-api.ts';
import { stripeSignatureHeader } from '../support/stripe-signing.ts';
import { simCall, simStripe } from '../support/stripe-sim-client.ts';
import { eventually, startTestStack } from '../support/test-stack.ts';

/**
 * Issue 12, item 1: one clinic connected in both modes. Whoever holds one mode's signing secret (a developer holds
 * the test one) posts correctly signed events of that mode naming the other mode's objects: a declined payment
 * "succeeded", a refund of the whole amount, a dispute, a detached card, a failed payout, a canceled membership.
 * Each object of the other mode is read through the API before and after, and must be deep-equal.
 */

type Mode = 'test' | 'live';

let stack: LocalStack;
const clinicId = `clinic_iso_${Math.random().toString(36).slice(2, 8)}`;
const base = `/v1/clinics/${clinicId}`;
const api = () => apiClient(stack.apiUrl);
let admin: string;
const stripe: Stripe = simStripe();

interface ModeSide {
  mode: Mode;
  keys: { secretKey: string; publishableKey: string };
  webhookSecret: string;
  clientId: string;
  customerId: string;
  cardId: string;
  paymentId: string;
  declinedId: string;
  refundId: string;
  payoutId: string;
  membershipId: string;
  invoiceId: string;
}
const sides = {} as Record<Mode, ModeSide>;

async function call(method: string, path: string, body?: unknown, token = admin) {
  return api()(method, `${base}${path}`, token, body);
}

async function connect(mode: Mode) {
  const suffix = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 10)}`;
  const keys = { secretKey: `sk_${mode}_${suffix}`, publishableKey: `pk_${mode}_${suffix}` };
  const connected = await call('PUT', `/stripe/${mode}`, keys);
  expect(connected.status).toBe(200);
  const webhookSecret = (await stack.secrets.get(clinicId))?.[mode]?.webhookSecrets[0]?.secret;
  if (!webhookSecret) throw new Error(`connect stored no ${mode} webhook secret`);
  return { keys, webhookSecret };
}

/** Live objects of every kind (or test ones), made as the clinic and its clients would, then settled. */
async function makeObjects(mode: Mode): Promise<ModeSide> {
  const { keys, webhookSecret } = await connect(mode);
  const asOwner = { apiKey: keys.secretKey };
  const clientId = `cl_iso_${mode}`;
  const clientToken = await signDevToken({ clinicId, role: 'client', clientId });

  // A saved card (and the client's Customer).
  const setup = await call('POST', `/clients/${clientId}/payment-methods/setup`, { mode }, clientToken);
  expect(setup.status).toBe(201);
  const confirmed = await stripe.setupIntents.confirm(
    setup.body.setupIntentId,
    {
      client_secret: setup.body.clientSecret,
      payment_method: 'pm_card_visa',
      return_url: 'https://basis.example/r',
    } as never,
    { apiKey: keys.publishableKey },
  );
  const cardId = confirmed.payment_method as string;
  await eventually(async () => {
    const cards = await call('GET', `/clients/${clientId}/payment-methods?mode=${mode}`);
    return (cards.body.data as Json[]).some((card) => card.id === cardId) ? true : undefined;
  });

  // A succeeded payment and a declined one.
  const book = async (bookingId: string, card: string) => {
    const booked = await call('POST', `/bookings/${bookingId}/payment`, {
      mode,
      serviceId: 'svc_iso',
      clientId,
    });
    expect(booked.status).toBe(201);
    await stripe.paymentIntents
      .confirm(
        booked.body.paymentId,
        {
          client_secret: booked.body.clientSecret,
          payment_method: card,
          return_url: 'https://basis.example/r',
        } as never,
        { apiKey: keys.publishableKey },
      )
      .catch(() => undefined);
    return booked.body.paymentId as string;
  };
  const paymentId = await book(`bk_iso_ok_${mode}`, 'pm_card_visa');
  const declinedId = await book(`bk_iso_no_${mode}`, 'pm_card_chargeDeclined');
  await paymentBecomes(mode, paymentId, (p) => p.status === 'succeeded');
  await paymentBecomes(mode, declinedId, (p) => p.status === 'failed');

  // A refund of part of it.
  const refunded = await call('POST', `/payments/${paymentId}/refunds`, { amount: 1000 });
  expect(refunded.status).toBe(202);
  const withRefund = await paymentBecomes(mode, paymentId, (p) =>
    (p.refunds as Json[]).some((refund) => refund.status === 'succeeded'),
  );
  const refundId = (withRefund.refunds as Json[])[0]?.refundId as string;

  // A payout of the balance, reconciled.
  await simCall('POST', '/_sim/payouts', keys.secretKey, { currency: 'usd' });
  const payout = await eventually(async () => {
    const listed = await call('GET', `/payouts?mode=${mode}`);
    const first = (listed.body.data as Json[])[0];
    return first?.reconciled ? first : undefined;
  }, 30_000);

  // A membership, paid with the saved card.
  expect(
    (
      await call('PUT', '/membership-plans/pl_iso', {
        mode,
        amount: 4500,
        currency: 'usd',
        interval: 'month',
      })
    ).status,
  ).toBe(200);
  const signedUp = await call(
    'POST',
    `/clients/${clientId}/memberships`,
    { mode, planId: 'pl_iso', paymentMethodId: cardId },
    clientToken,
  );
  expect(signedUp.status).toBe(201);
  const membership = await eventually(async () => {
    const current = await call('GET', `/memberships/${signedUp.body.membershipId}?mode=${mode}`);
    return current.body.latestInvoice?.status === 'paid' && current.body.latestInvoice?.paymentId
      ? current.body
      : undefined;
  }, 20_000);

  const customerId = (await stripe.paymentMethods.retrieve(cardId, {}, asOwner)).customer as string;
  await stack.drained();
  return {
    mode,
    keys,
    webhookSecret,
    clientId,
    customerId,
    cardId,
    paymentId,
    declinedId,
    refundId,
    payoutId: payout.payoutId,
    membershipId: membership.membershipId,
    invoiceId: membership.latestInvoice.invoiceId,
  };
}

/** A payment of one mode, with its refunds and disputes (`?mode=` keeps the read to that mode's record). */
async function paymentOf(mode: Mode, paymentId: string): Promise<Json | undefined> {
  const read = await call('GET', `/payments/${paymentId}?mode=${mode}`);
  return read.status === 200 ? read.body : undefined;
}

function paymentBecomes(mode: Mode, paymentId: string, check: (payment: Json) => boolean) {
  return eventually(async () => {
    const payment = await paymentOf(mode, paymentId);
    return payment && check(payment) ? payment : undefined;
  }, 20_000);
}

let forged = 0;

/**
 * Posts an event of `mode`, correctly signed with that mode's secret, whose object is `object` (another mode's,
 * with `livemode` made to match), and waits until a worker recorded it in that mode's ledger under `subject`.
 */
async function postForged(
  mode: Mode,
  type: string,
  object: Json,
  subject: { paymentId: string } | { objectId: string },
  previousAttributes?: Json,
) {
  const event = {
    id: `evt_forged_${mode}_${++forged}_${Math.random().toString(36).slice(2, 8)}`,
    object: 'event',
    api_version: '2026-10-28.endive',
    created: Math.floor(Date.now() / 1000),
    livemode: mode === 'live',
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    type,
    data: {
      object: { ...object, livemode: mode === 'live' },
      ...(previousAttributes ? { previous_attributes: previousAttributes } : {}),
    },
  };
  const body = JSON.stringify(event);
  const route = mode === 'live' ? 'stripe_webhook' : 'stripe_webhook_test';
  const response = await fetch(`${stack.apiUrl}/${route}/${clinicId}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'stripe-signature': stripeSignatureHeader(body, sides[mode].webhookSecret, event.created),
    },
    body,
  });
  expect(response.status).toBe(200);
  return { eventId: event.id, subject };
}

/** Waits until every forged event has been through a worker once (its ledger entry, whatever the outcome). */
async function processed(mode: Mode, posted: Array<{ eventId: string; subject: Json }>) {
  for (const { eventId, subject } of posted) {
    const [selector, id] = Object.entries(subject)[0] as [string, string];
    await eventually(async () => {
      const listed = await call('GET', `/events?mode=${mode}&${selector}=${id}&limit=100`);
      return (listed.body.data as Json[]).some((entry) => entry.eventId === eventId) ? true : undefined;
    }, 30_000);
  }
  await stack.drained();
}

async function ownerLedger(side: ModeSide, subject: string) {
  const selector = subject.startsWith('pi_') ? 'paymentId' : 'objectId';
  return (await call('GET', `/events?mode=${side.mode}&${selector}=${subject}&limit=100`)).body;
}

beforeAll(async () => {
  // A failed forged event comes back after a second, not minutes, so that the queues settle within the test.
  stack = await startTestStack({ queueOverrides: { visibilityTimeoutSeconds: 1 } });
  admin = await signDevToken({ clinicId, role: 'clinic_admin' });
  expect(
    (
      await call('PUT', '/services/svc_iso/pricing', {
        requirePaymentAtBooking: true,
        amount: 10_000,
        currency: 'usd',
      })
    ).status,
  ).toBe(200);
  sides.live = await makeObjects('live');
  sides.test = await makeObjects('test');
}, 240_000);
afterAll(() => stack?.stop());

const directions: Array<[Mode, Mode]> = [
  ['test', 'live'],
  ['live', 'test'],
];

describe.each(directions)('%s-mode events naming %s objects', (eventMode, ownerMode) => {
  it('leave the payments, their refunds and disputes, the report and their ledger as they were', async () => {
    const owner = sides[ownerMode];
    const asOwner = { apiKey: owner.keys.secretKey };
    const snapshot = async () => ({
      payments: (await call('GET', `/payments?mode=${ownerMode}&limit=100`)).body,
      report: (await call('GET', `/reports/payments?mode=${ownerMode}`)).body,
      succeededLedger: await ownerLedger(owner, owner.paymentId),
      declinedLedger: await ownerLedger(owner, owner.declinedId),
    });
    const before = await snapshot();
    expect((before.payments.data as Json[]).map((entry) => entry.paymentId)).toEqual(
      expect.arrayContaining([owner.paymentId, owner.declinedId]),
    );

    const paid = (await stripe.paymentIntents.retrieve(owner.paymentId, {}, asOwner)) as unknown as Json;
    const declined = (await stripe.paymentIntents.retrieve(owner.declinedId, {}, asOwner)) as unknown as Json;
    const charge = (await stripe.charges.retrieve(paid.latest_charge, {}, asOwner)) as unknown as Json;
    const refund = (await stripe.refunds.retrieve(owner.refundId, {}, asOwner)) as unknown as Json;
    const now = Math.floor(Date.now() / 1000);
    const ofPaid = { paymentId: owner.paymentId };
    const posted = [
      await postForged(
        eventMode,
        'payment_intent.succeeded',
        { ...declined, status: 'succeeded', amount_received: declined.amount, last_payment_error: null },
        { paymentId: owner.declinedId },
      ),
      await postForged(
        eventMode,
        'payment_intent.payment_failed',
        {
          ...paid,
          status: 'requires_payment_method',
          last_payment_error: { code: 'card_declined', message: 'forged', type: 'card_error' },
        },
        ofPaid,
      ),
      await postForged(
        eventMode,
        'refund.created',
        { ...refund, id: `re_forged_${eventMode}`, amount: paid.amount, created: now },
        ofPaid,
      ),
      await postForged(eventMode, 'refund.updated', { ...refund, status: 'failed' }, ofPaid),
      await postForged(
        eventMode,
        'charge.refunded',
        { ...charge, amount_refunded: charge.amount, refunded: true },
        ofPaid,
      ),
      await postForged(
        eventMode,
        'charge.dispute.created',
        {
          id: `dp_forged_${eventMode}`,
          object: 'dispute',
          amount: paid.amount,
          currency: paid.currency,
          charge: charge.id,
          payment_intent: owner.paymentId,
          status: 'needs_response',
          reason: 'fraudulent',
          created: now,
          evidence_details: { due_by: now + 7 * 86_400 },
          metadata: {},
        },
        ofPaid,
      ),
    ];
    await processed(eventMode, posted);
    expect(await snapshot()).toEqual(before);
  });

  it('leave the saved cards as they were', async () => {
    const owner = sides[ownerMode];
    const asOwner = { apiKey: owner.keys.secretKey };
    const snapshot = async () => ({
      cards: (await call('GET', `/clients/${owner.clientId}/payment-methods?mode=${ownerMode}`)).body,
      ledger: await ownerLedger(owner, owner.cardId),
    });
    const before = await snapshot();
    expect((before.cards.data as Json[]).map((entry) => entry.id)).toEqual([owner.cardId]);
    const card = (await stripe.paymentMethods.retrieve(owner.cardId, {}, asOwner)) as unknown as Json;
    const posted = [
      await postForged(
        eventMode,
        'payment_method.detached',
        { ...card, customer: null },
        { objectId: owner.cardId },
        { customer: owner.customerId },
      ),
      // A card "attached" to the other mode's customer: no customer of this mode has that id.
      await postForged(
        eventMode,
        'payment_method.attached',
        { ...card, id: `pm_forged_${eventMode}`, customer: owner.customerId },
        { objectId: `pm_forged_${eventMode}` },
      ),
    ];
    await processed(eventMode, posted);
    expect(await snapshot()).toEqual(before);
    // Nor does the event's own mode gain a card for a customer it does not have.
    const ownClient = sides[eventMode].clientId;
    const own = await call('GET', `/clients/${ownClient}/payment-methods?mode=${eventMode}`);
    expect((own.body.data as Json[]).map((entry) => entry.id)).toEqual([sides[eventMode].cardId]);
  });

  it('leave the payouts and their items as they were', async () => {
    const owner = sides[ownerMode];
    const asOwner = { apiKey: owner.keys.secretKey };
    const snapshot = async () => ({
      payouts: (await call('GET', `/payouts?mode=${ownerMode}`)).body,
      ledger: await ownerLedger(owner, owner.payoutId),
    });
    const before = await snapshot();
    // The other direction's forged events may have left a record of their own mode; the owner's payout is there.
    expect((before.payouts.data as Json[]).find((entry) => entry.payoutId === owner.payoutId)).toMatchObject({
      status: 'paid',
      reconciled: true,
    });
    const payout = (await stripe.payouts.retrieve(owner.payoutId, {}, asOwner)) as unknown as Json;
    const posted = [
      await postForged(
        eventMode,
        'payout.failed',
        { ...payout, status: 'failed' },
        { objectId: owner.payoutId },
      ),
      await postForged(
        eventMode,
        'payout.paid',
        { ...payout, amount: payout.amount + 1, created: payout.created + 1 },
        { objectId: owner.payoutId },
      ),
    ];
    await processed(eventMode, posted);
    expect(await snapshot()).toEqual(before);
  });

  it('leave the memberships as they were', async () => {
    const owner = sides[ownerMode];
    const asOwner = { apiKey: owner.keys.secretKey };
    const snapshot = async () => ({
      membership: (await call('GET', `/memberships/${owner.membershipId}?mode=${ownerMode}`)).body,
      memberships: (await call('GET', `/memberships?mode=${ownerMode}`)).body,
      ledger: await ownerLedger(owner, owner.membershipId),
    });
    const before = await snapshot();
    expect(before.membership).toMatchObject({ status: 'active' });
    const subscription = (await stripe.subscriptions.retrieve(
      owner.membershipId,
      {},
      asOwner,
    )) as unknown as Json;
    const invoice = (await stripe.invoices.retrieve(owner.invoiceId, {}, asOwner)) as unknown as Json;
    const posted = [
      await postForged(
        eventMode,
        'customer.subscription.deleted',
        { ...subscription, status: 'canceled', ended_at: Math.floor(Date.now() / 1000) },
        { objectId: owner.membershipId },
      ),
      await postForged(
        eventMode,
        'invoice.payment_failed',
        { ...invoice, status: 'open', attempt_count: (invoice.attempt_count ?? 1) + 1 },
        { objectId: owner.invoiceId },
      ),
    ];
    await processed(eventMode, posted);
    expect(await snapshot()).toEqual(before);
  });
});
