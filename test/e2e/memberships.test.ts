import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalStack } from '../../local/src/local-stack.ts';
import { dynamoCustomerStore } from '../../services/payments/src/adapters/dynamo-customer-store.ts';
import { type ConnectedClinic, connectedClinic, type Json } from '../support/clinic-api.ts';
import { simCall } from '../support/stripe-sim-client.ts';
import { eventually, startTestStack } from '../support/test-stack.ts';

let stack: LocalStack;
let clinic: ConnectedClinic;

const plan = { mode: 'test', amount: 4500, currency: 'usd', interval: 'month' } as const;

beforeAll(async () => {
  stack = await startTestStack();
  clinic = await connectedClinic(stack, `clinic_mem_${Math.random().toString(36).slice(2, 8)}`);
  const saved = await clinic.api('PUT', `${clinic.base}/membership-plans/pl_gold`, clinic.tokens.admin, plan);
  expect(saved.status).toBe(200);
});
afterAll(() => stack?.stop());

const stripeAs = () => ({ apiKey: clinic.keys.secretKey });

function signUp(clientId: string, body: Json, token?: string, headers: Record<string, string> = {}) {
  return (async () =>
    clinic.api(
      'POST',
      `${clinic.base}/clients/${clientId}/memberships`,
      token ?? (await clinic.tokens.client(clientId)),
      body,
      headers,
    ))();
}

async function membership(membershipId: string): Promise<Json> {
  const response = await clinic.api('GET', `${clinic.base}/memberships/${membershipId}`, clinic.tokens.staff);
  expect(response.status).toBe(200);
  return response.body;
}

function membershipBecomes(membershipId: string, check: (current: Json) => boolean) {
  return eventually(async () => {
    const current = await membership(membershipId);
    return check(current) ? current : undefined;
  }, 20_000);
}

async function payment(paymentId: string): Promise<Json> {
  const response = await clinic.api('GET', `${clinic.base}/payments/${paymentId}`, clinic.tokens.staff);
  return response.body;
}

function paymentBecomes(paymentId: string, check: (current: Json) => boolean) {
  return eventually(async () => {
    const current = await payment(paymentId);
    return current.paymentId && check(current) ? current : undefined;
  }, 20_000);
}

/** Confirms the first invoice's PaymentIntent as Stripe.js does: publishable key and client secret only. */
function confirmInBrowser(clientSecret: string, paymentMethod: string) {
  const intentId = clientSecret.split('_secret_')[0] as string;
  return clinic.stripe.paymentIntents.confirm(
    intentId,
    {
      client_secret: clientSecret,
      payment_method: paymentMethod,
      return_url: 'https://basis.example/r',
    } as never,
    { apiKey: clinic.keys.publishableKey },
  );
}

/**
 * A client whose Stripe Customer lives on a Test Clock of its own, so that the test can move that client's
 * subscriptions through months without moving the simulator's clock under every other test file running in
 * parallel. The Customer is recorded as Basis's customer logic would have recorded it.
 */
async function clientOnTestClock(clientId: string) {
  const { now } = (await simCall('GET', '/_sim/clock', clinic.keys.secretKey)) as { now: number };
  const clock = await clinic.stripe.testHelpers.testClocks.create({ frozen_time: now }, stripeAs());
  const customer = await clinic.stripe.customers.create(
    { test_clock: clock.id, metadata: { clinic_id: clinic.clinicId, client_id: clientId } },
    stripeAs(),
  );
  // The customer belongs to the connected account, as the connection recorded it.
  const connection = (await stack.secrets.get(clinic.clinicId))?.test;
  await dynamoCustomerStore(stack.doc, stack.tableName).create({
    clinicId: clinic.clinicId,
    mode: 'test',
    accountId: connection?.accountId ?? 'acct_unknown',
    clientId,
    customerId: customer.id,
  });
  return { clockId: clock.id, customerId: customer.id };
}

/** Saves a card through the payments API's SetupIntent, confirmed as Stripe.js would; answers its id. */
async function saveCard(clientId: string, token: string): Promise<string> {
  const setup = await clinic.api(
    'POST',
    `${clinic.base}/clients/${clientId}/payment-methods/setup`,
    await clinic.tokens.client(clientId),
    { mode: 'test' },
  );
  expect(setup.status).toBe(201);
  const confirmed = await clinic.stripe.setupIntents.confirm(
    setup.body.setupIntentId,
    {
      client_secret: setup.body.clientSecret,
      payment_method: token,
      return_url: 'https://basis.example/r',
    } as never,
    { apiKey: clinic.keys.publishableKey },
  );
  return confirmed.payment_method as string;
}

async function advanceClock(clockId: string, to: number) {
  await clinic.stripe.testHelpers.testClocks.advance(clockId, { frozen_time: to }, stripeAs());
  await eventually(async () => {
    const clock = await clinic.stripe.testHelpers.testClocks.retrieve(clockId, {}, stripeAs());
    return clock.status === 'ready' ? clock : undefined;
  });
}

const periodEndOf = (current: Json) => Math.floor(Date.parse(current.currentPeriodEnd as string) / 1000);

describe('membership plans', () => {
  it('makes one Product and one Price per double-clicked save; a new amount makes a new Price', async () => {
    const body = { mode: 'test', amount: 2500, currency: 'usd', interval: 'month', intervalCount: 3 };
    const [first, second] = await Promise.all([
      clinic.api('PUT', `${clinic.base}/membership-plans/pl_double`, clinic.tokens.admin, body),
      clinic.api('PUT', `${clinic.base}/membership-plans/pl_double`, clinic.tokens.admin, body),
    ]);
    expect([first.status, second.status]).toEqual([200, 200]);
    expect(first.body).toMatchObject({ planId: 'pl_double', amount: 2500, intervalCount: 3, active: true });
    const products = (await clinic.stripe.products.list({ limit: 100 }, stripeAs())).data.filter(
      (product) => product.metadata.plan_id === 'pl_double',
    );
    expect(products).toHaveLength(1);
    // Opaque: the plan's id, never a title.
    expect(products[0]?.name).toBe('Basis plan pl_double');
    const pricesOf = async () =>
      (await clinic.stripe.prices.list({ product: products[0]?.id as string, limit: 100 }, stripeAs())).data;
    expect(await pricesOf()).toHaveLength(1);

    const raised = await clinic.api('PUT', `${clinic.base}/membership-plans/pl_double`, clinic.tokens.admin, {
      ...body,
      amount: 3000,
    });
    expect(raised.body).toMatchObject({ amount: 3000 });
    expect((await pricesOf()).map((price) => price.unit_amount).sort()).toEqual([2500, 3000]);

    const listed = await clinic.api(
      'GET',
      `${clinic.base}/membership-plans?mode=test`,
      await clinic.tokens.client('cl_any'),
    );
    expect(listed.status).toBe(200);
    expect(listed.body.data.map((p: Json) => p.planId)).toEqual(
      expect.arrayContaining(['pl_gold', 'pl_double']),
    );
  });

  it('refuses bad plans (400) and non-admins (403), storing nothing', async () => {
    const bad = await clinic.api('PUT', `${clinic.base}/membership-plans/pl_bad`, clinic.tokens.admin, {
      ...plan,
      interval: 'day',
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatchObject({ code: 'validation_failed', field: 'interval' });
    const titled = await clinic.api('PUT', `${clinic.base}/membership-plans/pl_bad`, clinic.tokens.admin, {
      ...plan,
      title: 'Anxiety therapy',
    });
    expect(titled.body.error).toMatchObject({ code: 'validation_failed', field: 'title' });
    const staff = await clinic.api(
      'PUT',
      `${clinic.base}/membership-plans/pl_bad`,
      clinic.tokens.staff,
      plan,
    );
    expect(staff.status).toBe(403);
    const listed = await clinic.api('GET', `${clinic.base}/membership-plans?mode=test`, clinic.tokens.staff);
    expect(listed.body.data.map((p: Json) => p.planId)).not.toContain('pl_bad');
  });

  it('stops sign-ups when inactive (409 plan_inactive)', async () => {
    await clinic.api('PUT', `${clinic.base}/membership-plans/pl_closed`, clinic.tokens.admin, {
      ...plan,
      active: false,
    });
    const refused = await signUp('cl_closed', { mode: 'test', planId: 'pl_closed' });
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('plan_inactive');
    const missing = await signUp('cl_closed', { mode: 'test', planId: 'pl_nope' });
    expect(missing.status).toBe(404);
  });
});

describe('signing up', () => {
  it('without a card: incomplete with the invoice secret; Stripe.js confirms → active, a Payment with membershipId', async () => {
    const created = await signUp('cl_new', { mode: 'test', planId: 'pl_gold' });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({
      membershipId: expect.stringMatching(/^sub_/),
      status: 'incomplete',
      clientSecret: expect.stringContaining('_secret_'),
      publishableKey: clinic.keys.publishableKey,
    });
    const { membershipId, clientSecret } = created.body;
    await confirmInBrowser(clientSecret, 'pm_card_visa');
    const active = await membershipBecomes(
      membershipId,
      (current) => current.status === 'active' && current.latestInvoice?.paymentId,
    );
    expect(active).toMatchObject({
      clientId: 'cl_new',
      planId: 'pl_gold',
      amount: 4500,
      currency: 'usd',
      interval: 'month',
      cancelAtPeriodEnd: false,
      latestInvoice: { status: 'paid', amountDue: 4500, amountPaid: 4500, failure: null },
    });
    const paid = await paymentBecomes(active.latestInvoice.paymentId, (p) => p.membershipId === membershipId);
    expect(paid).toMatchObject({
      status: 'succeeded',
      amount: 4500,
      bookingId: null,
      clientId: 'cl_new',
      membershipId,
      invoiceId: active.latestInvoice.invoiceId,
    });
    const mine = await clinic.api(
      'GET',
      `${clinic.base}/clients/cl_new/memberships?mode=test`,
      await clinic.tokens.client('cl_new'),
    );
    expect(mine.body.data.map((m: Json) => m.membershipId)).toEqual([membershipId]);
  });

  it('one Subscription per double click and per repeated Idempotency-Key; a second live one is 409', async () => {
    const [first, second] = await Promise.all([
      signUp('cl_double', { mode: 'test', planId: 'pl_gold' }),
      signUp('cl_double', { mode: 'test', planId: 'pl_gold' }),
    ]);
    expect([first.status, second.status].sort()).toEqual([200, 201]);
    expect(second.body.membershipId).toBe(first.body.membershipId);
    const customerId = (await clinic.stripe.subscriptions.retrieve(first.body.membershipId, {}, stripeAs()))
      .customer as string;
    const subscriptions = await clinic.stripe.subscriptions.list(
      { customer: customerId, status: 'all' },
      stripeAs(),
    );
    expect(subscriptions.data).toHaveLength(1);

    const keyed = { 'idempotency-key': 'signup-key-1' };
    const once = await signUp('cl_keyed', { mode: 'test', planId: 'pl_gold' }, undefined, keyed);
    const again = await signUp('cl_keyed', { mode: 'test', planId: 'pl_gold' }, undefined, keyed);
    expect([once.status, again.status]).toEqual([201, 200]);
    expect(again.body.membershipId).toBe(once.body.membershipId);
    const other = await signUp('cl_keyed', { mode: 'test', planId: 'pl_gold' }, undefined, {
      'idempotency-key': 'signup-key-2',
    });
    expect(other.status).toBe(409);
    expect(other.body.error.code).toBe('membership_exists');
  });

  it('with a saved card: active at once; renews after the clock passes the period end: a second paid invoice and Payment', async () => {
    const { clockId } = await clientOnTestClock('cl_card');
    const card = await saveCard('cl_card', 'pm_card_visa');
    const created = await signUp('cl_card', { mode: 'test', planId: 'pl_gold', paymentMethodId: card });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ status: 'active', clientSecret: null });
    const { membershipId } = created.body;
    const first = await membershipBecomes(membershipId, (m) => m.latestInvoice?.paymentId);
    await paymentBecomes(first.latestInvoice.paymentId, (p) => p.membershipId === membershipId);

    await advanceClock(clockId, periodEndOf(first) + 2 * 3600);
    const renewed = await membershipBecomes(
      membershipId,
      (m) =>
        m.latestInvoice?.invoiceId !== first.latestInvoice.invoiceId &&
        m.latestInvoice?.status === 'paid' &&
        m.latestInvoice?.paymentId &&
        m.currentPeriodStart === first.currentPeriodEnd,
    );
    expect(renewed.status).toBe('active');
    const second = await paymentBecomes(
      renewed.latestInvoice.paymentId,
      (p) => p.membershipId === membershipId,
    );
    expect(second).toMatchObject({ status: 'succeeded', amount: 4500, clientId: 'cl_card' });
    const listed = await clinic.api(
      'GET',
      `${clinic.base}/payments?mode=test&limit=100`,
      clinic.tokens.staff,
    );
    const ofMembership = listed.body.data.filter((p: Json) => p.membershipId === membershipId);
    expect(ofMembership.map((p: Json) => p.invoiceId).sort()).toEqual(
      [first.latestInvoice.invoiceId, renewed.latestInvoice.invoiceId].sort(),
    );
  });

  it('with a saved pm_card_chargeCustomerFail: not active, the failure shown, a secret to try another card', async () => {
    const card = await saveCard('cl_fail', 'pm_card_chargeCustomerFail');
    const created = await signUp('cl_fail', { mode: 'test', planId: 'pl_gold', paymentMethodId: card });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      status: 'incomplete',
      clientSecret: expect.stringContaining('_secret_'),
    });
    const shown = await membership(created.body.membershipId);
    expect(shown).toMatchObject({
      status: 'incomplete',
      latestInvoice: { status: 'open', amountPaid: 0, failure: { code: 'generic_decline' } },
    });
  });

  it('with a saved card that needs 3-D Secure: incomplete with the secret; once the client authenticates → active', async () => {
    const setup = await clinic.api(
      'POST',
      `${clinic.base}/clients/cl_3ds/payment-methods/setup`,
      await clinic.tokens.client('cl_3ds'),
      { mode: 'test' },
    );
    const card = await clinic.stripe.paymentMethods.attach(
      'pm_card_authenticationRequired',
      { customer: setup.body.customerId },
      stripeAs(),
    );
    const created = await signUp('cl_3ds', { mode: 'test', planId: 'pl_gold', paymentMethodId: card.id });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      status: 'incomplete',
      clientSecret: expect.stringContaining('_secret_'),
    });
    const intentId = (created.body.clientSecret as string).split('_secret_')[0] as string;
    const intent = await clinic.stripe.paymentIntents.retrieve(intentId, {}, stripeAs());
    expect(intent.status).toBe('requires_action');
    await simCall('POST', `/_sim/payment_intents/${intentId}/3ds`, clinic.keys.secretKey, {
      outcome: 'pass',
    });
    const active = await membershipBecomes(created.body.membershipId, (m) => m.status === 'active');
    expect(active.latestInvoice).toMatchObject({ status: 'paid', failure: null });
  });

  it('a renewal that fails leaves the membership past_due with the failure', async () => {
    const { clockId, customerId } = await clientOnTestClock('cl_lapse');
    const card = await saveCard('cl_lapse', 'pm_card_visa');
    const created = await signUp('cl_lapse', { mode: 'test', planId: 'pl_gold', paymentMethodId: card });
    const { membershipId } = created.body;
    const first = await membershipBecomes(membershipId, (m) => m.status === 'active');
    // The card on file is replaced (in the Dashboard, say) by one that declines every later charge.
    const failing = await clinic.stripe.paymentMethods.attach(
      'pm_card_chargeCustomerFail',
      { customer: customerId },
      stripeAs(),
    );
    await clinic.stripe.subscriptions.update(
      membershipId,
      { default_payment_method: failing.id },
      stripeAs(),
    );
    await advanceClock(clockId, periodEndOf(first) + 2 * 3600);
    const lapsed = await membershipBecomes(
      membershipId,
      (m) => m.status === 'past_due' && m.latestInvoice?.failure,
    );
    expect(lapsed.latestInvoice).toMatchObject({
      status: 'open',
      amountPaid: 0,
      failure: { code: 'generic_decline' },
    });
  });
});

describe('cancelling', () => {
  it('at period end: still active with cancelAtPeriodEnd, canceled once the period is over, no new charge', async () => {
    const { clockId } = await clientOnTestClock('cl_leaving');
    const card = await saveCard('cl_leaving', 'pm_card_visa');
    const token = await clinic.tokens.client('cl_leaving');
    const created = await signUp(
      'cl_leaving',
      { mode: 'test', planId: 'pl_gold', paymentMethodId: card },
      token,
    );
    const { membershipId } = created.body;
    const cancel = await clinic.api('POST', `${clinic.base}/memberships/${membershipId}/cancel`, token, {
      atPeriodEnd: true,
    });
    expect(cancel.status).toBe(200);
    expect(cancel.body).toMatchObject({ status: 'active', cancelAtPeriodEnd: true });
    await advanceClock(clockId, periodEndOf(cancel.body) + 2 * 3600);
    const ended = await membershipBecomes(membershipId, (m) => m.status === 'canceled');
    expect(ended.latestInvoice.invoiceId).toBe(cancel.body.latestInvoice.invoiceId);
  });

  it('now (staff), and a client may not cancel or see another client’s membership', async () => {
    const created = await signUp('cl_quit', { mode: 'test', planId: 'pl_gold' });
    const { membershipId } = created.body;
    const stranger = await clinic.tokens.client('cl_stranger');
    const peek = await clinic.api('GET', `${clinic.base}/memberships/${membershipId}`, stranger);
    expect(peek.status).toBe(404);
    const refused = await clinic.api('POST', `${clinic.base}/memberships/${membershipId}/cancel`, stranger, {
      atPeriodEnd: false,
    });
    expect(refused.status).toBe(404);
    const canceled = await clinic.api(
      'POST',
      `${clinic.base}/memberships/${membershipId}/cancel`,
      clinic.tokens.staff,
      {
        atPeriodEnd: false,
      },
    );
    expect(canceled.status).toBe(200);
    expect(canceled.body).toMatchObject({ status: 'canceled', canceledAt: expect.any(String) });
    const onStripe = await clinic.stripe.subscriptions.retrieve(membershipId, {}, stripeAs());
    expect(onStripe.status).toBe('canceled');
    // Ended: a new sign-up to the same plan is allowed again.
    const again = await signUp('cl_quit', { mode: 'test', planId: 'pl_gold' }, undefined, {
      'idempotency-key': 'k2',
    });
    expect(again.status).toBe(201);
    expect(again.body.membershipId).not.toBe(membershipId);
  });
});

describe('cancelling what already ended on Stripe', () => {
  it('answers the membership as Stripe has it (canceled in the Dashboard before its event arrived)', async () => {
    await simCall('POST', '/_sim/chaos', clinic.keys.secretKey, { delay_ms: '3000' });
    try {
      const created = await signUp('cl_dashboard', { mode: 'test', planId: 'pl_gold' });
      const { membershipId } = created.body;
      await clinic.stripe.subscriptions.cancel(membershipId, {}, stripeAs());
      const canceled = await clinic.api(
        'POST',
        `${clinic.base}/memberships/${membershipId}/cancel`,
        clinic.tokens.admin,
        {
          atPeriodEnd: false,
        },
      );
      expect(canceled.status).toBe(200);
      expect(canceled.body.status).toBe('canceled');
    } finally {
      await simCall('DELETE', '/_sim/chaos', clinic.keys.secretKey);
    }
  });
});

describe('roles', () => {
  it('follows the table of docs/api.md', async () => {
    const client = await clinic.tokens.client('cl_roles');
    const forOther = await signUp('cl_someone', { mode: 'test', planId: 'pl_gold' }, client);
    expect(forOther.status).toBe(403);
    const clinicList = await clinic.api('GET', `${clinic.base}/memberships?mode=test`, client);
    expect(clinicList.status).toBe(403);
    const staffList = await clinic.api('GET', `${clinic.base}/memberships?mode=test`, clinic.tokens.staff);
    expect(staffList.status).toBe(200);
    const othersList = await clinic.api(
      'GET',
      `${clinic.base}/clients/cl_someone/memberships?mode=test`,
      client,
    );
    expect(othersList.status).toBe(403);
    const staffSignUp = await signUp('cl_by_staff', { mode: 'test', planId: 'pl_gold' }, clinic.tokens.staff);
    expect(staffSignUp.status).toBe(201);
    const unknownField = await signUp('cl_roles', { mode: 'test', planId: 'pl_gold', cardNumber: '4242' });
    expect(unknownField.status).toBe(400);
  });
});

describe('refunds and reports', () => {
  it('refunds a membership payment like any other, and the report counts it', async () => {
    const created = await signUp('cl_refund', { mode: 'test', planId: 'pl_gold' });
    await confirmInBrowser(created.body.clientSecret, 'pm_card_visa');
    const active = await membershipBecomes(created.body.membershipId, (m) => m.latestInvoice?.paymentId);
    const paymentId = active.latestInvoice.paymentId as string;
    await paymentBecomes(paymentId, (p) => p.status === 'succeeded' && p.membershipId);
    const refund = await clinic.api(
      'POST',
      `${clinic.base}/payments/${paymentId}/refunds`,
      clinic.tokens.staff,
      {
        amount: 1500,
      },
    );
    expect(refund.status).toBe(202);
    await paymentBecomes(paymentId, (p) => p.amountRefunded === 1500);
    const report = await clinic.api('GET', `${clinic.base}/reports/payments?mode=test`, clinic.tokens.admin);
    const usd = report.body.currencies.find((c: Json) => c.currency === 'usd');
    expect(usd.refunded).toBeGreaterThanOrEqual(1500);
    expect(usd.partiallyRefundedCount).toBeGreaterThanOrEqual(1);
  });
});

describe('chaos', () => {
  it('duplicated and shuffled webhooks end in the same membership as Stripe’s own state', async () => {
    await simCall('POST', '/_sim/chaos', clinic.keys.secretKey, {
      duplicate: '2',
      shuffle_window_ms: '400',
      seed: '13',
    });
    try {
      const { clockId } = await clientOnTestClock('cl_chaos');
      const card = await saveCard('cl_chaos', 'pm_card_visa');
      const created = await signUp('cl_chaos', { mode: 'test', planId: 'pl_gold', paymentMethodId: card });
      const { membershipId } = created.body;
      const first = await membership(membershipId);
      await advanceClock(clockId, periodEndOf(first) + 2 * 3600);
      const onStripe = await clinic.stripe.subscriptions.retrieve(membershipId, {}, stripeAs());
      const periodStart = new Date(
        (onStripe.items.data[0]?.current_period_start as number) * 1000,
      ).toISOString();
      const settled = await membershipBecomes(
        membershipId,
        (m) =>
          m.currentPeriodStart === periodStart &&
          m.latestInvoice?.invoiceId === onStripe.latest_invoice &&
          m.latestInvoice?.status === 'paid',
      );
      expect(settled).toMatchObject({
        status: onStripe.status,
        cancelAtPeriodEnd: onStripe.cancel_at_period_end,
        latestInvoice: { status: 'paid', failure: null, paymentId: expect.stringMatching(/^pi_/) },
      });
      // Each paid invoice, once, as a Payment of the membership.
      const ofMembership = await eventually(async () => {
        const listed = await clinic.api(
          'GET',
          `${clinic.base}/payments?mode=test&limit=100`,
          clinic.tokens.staff,
        );
        const found = listed.body.data.filter((p: Json) => p.membershipId === membershipId);
        return found.length === 2 ? found : undefined;
      });
      expect(new Set(ofMembership.map((p: Json) => p.invoiceId)).size).toBe(2);
    } finally {
      await simCall('DELETE', '/_sim/chaos', clinic.keys.secretKey);
    }
  });
});
