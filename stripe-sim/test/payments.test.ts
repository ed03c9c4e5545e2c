import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type StripeSimulator, startStripeSimulator } from '../src/server.ts';
import { caught, newKey, simCall, stripeClient } from './helpers.ts';

let sim: StripeSimulator;
let key: string;
let stripe: Stripe;

beforeAll(async () => {
  sim = await startStripeSimulator({ port: 0 });
  key = newKey();
  stripe = stripeClient(sim.port, key);
});
afterAll(() => sim.close());

async function eventTypes(): Promise<string[]> {
  return (await stripe.events.list({ limit: 100 })).data.map((event) => event.type).reverse();
}

const noRedirects = { automatic_payment_methods: { enabled: true, allow_redirects: 'never' as const } };

describe('PaymentIntents', () => {
  it('succeeds with pm_card_visa: Charge, balance transaction with fee, saved card with setup_future_usage', async () => {
    const customer = await stripe.customers.create({});
    const created = await stripe.paymentIntents.create({
      amount: 1099,
      currency: 'usd',
      customer: customer.id,
      setup_future_usage: 'off_session',
      metadata: { booking_id: 'bk_1' },
      ...noRedirects,
    });
    expect(created.status).toBe('requires_payment_method');
    const intent = await stripe.paymentIntents.confirm(created.id, {
      payment_method: 'pm_card_visa',
      expand: ['latest_charge.balance_transaction'],
    });
    expect(intent).toMatchObject({ status: 'succeeded', amount_received: 1099 });
    const charge = intent.latest_charge as Stripe.Charge;
    expect(charge).toMatchObject({
      paid: true,
      captured: true,
      amount_captured: 1099,
      payment_intent: intent.id,
    });
    expect(charge.payment_method).toBe(intent.payment_method);
    expect(charge.metadata).toEqual({ booking_id: 'bk_1' });
    const transaction = charge.balance_transaction as Stripe.BalanceTransaction;
    expect(transaction).toMatchObject({
      id: expect.stringMatching(/^txn_/),
      amount: 1099,
      fee: 62,
      net: 1037,
    });
    const saved = await stripe.paymentMethods.list({ customer: customer.id, type: 'card' });
    expect(saved.data.map((method) => method.id)).toEqual([intent.payment_method]);
    const charges = await stripe.charges.list({ payment_intent: intent.id });
    expect(charges.data).toHaveLength(1);
  });

  it('asks for a return_url when confirming with automatic payment methods server-side, as Stripe does', async () => {
    const error = await caught(
      stripe.paymentIntents.create({
        amount: 1000,
        currency: 'usd',
        payment_method: 'pm_card_visa',
        confirm: true,
      }),
    );
    expect(error).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    expect(error.message).toContain('return_url');
    const ok = await stripe.paymentIntents.create({
      amount: 1000,
      currency: 'usd',
      payment_method: 'pm_card_visa',
      confirm: true,
      return_url: 'https://basis.example/return',
    });
    expect(ok.status).toBe('succeeded');
  });

  it('takes allowed_payment_method_types (API 2026-10-28.endive) and refuses the removed payment_method_types', async () => {
    const allowed = await stripe.paymentIntents.create({
      amount: 1000,
      currency: 'usd',
      allowed_payment_method_types: ['card'],
      payment_method: 'pm_card_visa',
      confirm: true,
    });
    expect(allowed).toMatchObject({
      status: 'succeeded',
      allowed_payment_method_types: ['card'],
      payment_method_types: ['card'],
      automatic_payment_methods: null,
    });
    const legacy = {
      amount: 1000,
      currency: 'usd',
      payment_method_types: ['card'],
    } as Stripe.PaymentIntentCreateParams;
    const refused = await caught(stripe.paymentIntents.create(legacy));
    expect(refused).toMatchObject({ code: 'parameter_unknown', param: 'payment_method_types' });
    const older = await stripe.paymentIntents.create(legacy, { apiVersion: '2025-09-30.clover' });
    expect(older.payment_method_types).toEqual(['card']);
  });

  it.each([
    ['pm_card_chargeDeclined', 'generic_decline', 'Your card was declined.'],
    [
      'pm_card_visa_chargeDeclinedInsufficientFunds',
      'insufficient_funds',
      'Your card has insufficient funds.',
    ],
  ])('declines %s with a 402 card_error carrying the PaymentIntent', async (token, declineCode, message) => {
    const error = await caught(
      stripe.paymentIntents.create({
        amount: 2000,
        currency: 'usd',
        payment_method: token,
        confirm: true,
        ...noRedirects,
      }),
    );
    expect(error).toBeInstanceOf(Stripe.errors.StripeCardError);
    expect(error).toMatchObject({
      statusCode: 402,
      code: 'card_declined',
      decline_code: declineCode,
      message,
    });
    const intent = error.payment_intent as Stripe.PaymentIntent;
    expect(intent.status).toBe('requires_payment_method');
    expect(intent.last_payment_error).toMatchObject({ code: 'card_declined', decline_code: declineCode });
    const charge = await stripe.charges.retrieve(intent.latest_charge as string);
    expect(charge).toMatchObject({ status: 'failed', paid: false, failure_code: 'card_declined' });
    expect(charge.outcome?.reason).toBe(declineCode);
  });

  it('plays 3-D Secure: requires_action, then passing it succeeds and failing it asks for a new method', async () => {
    const first = await stripe.paymentIntents.create({
      amount: 3000,
      currency: 'usd',
      payment_method: 'pm_card_authenticationRequired',
      confirm: true,
      ...noRedirects,
    });
    expect(first.status).toBe('requires_action');
    expect(first.next_action?.type).toBe('use_stripe_sdk');
    const passed = await simCall<Stripe.PaymentIntent>(
      sim.url,
      key,
      'POST',
      `/_sim/payment_intents/${first.id}/3ds`,
      {
        outcome: 'pass',
      },
    );
    expect(passed.body.status).toBe('succeeded');
    expect((await stripe.paymentIntents.retrieve(first.id)).latest_charge).toMatch(/^ch_/);

    const second = await stripe.paymentIntents.create({
      amount: 3000,
      currency: 'usd',
      payment_method: 'pm_card_authenticationRequired',
      confirm: true,
      ...noRedirects,
    });
    await simCall(sim.url, key, 'POST', `/_sim/payment_intents/${second.id}/3ds`, { outcome: 'fail' });
    const failed = await stripe.paymentIntents.retrieve(second.id);
    expect(failed.status).toBe('requires_payment_method');
    expect(failed.last_payment_error?.code).toBe('payment_intent_authentication_failure');
    const types = await eventTypes();
    expect(types).toContain('payment_intent.requires_action');
  });

  it('refuses to confirm a succeeded PaymentIntent and to cancel it (payment_intent_unexpected_state)', async () => {
    const intent = await stripe.paymentIntents.create({
      amount: 1500,
      currency: 'usd',
      payment_method: 'pm_card_visa',
      confirm: true,
      ...noRedirects,
    });
    const again = await caught(stripe.paymentIntents.confirm(intent.id, { payment_method: 'pm_card_visa' }));
    expect(again).toMatchObject({ code: 'payment_intent_unexpected_state', statusCode: 400 });
    const cancel = await caught(stripe.paymentIntents.cancel(intent.id));
    expect(cancel.code).toBe('payment_intent_unexpected_state');
    const open = await stripe.paymentIntents.create({ amount: 1500, currency: 'usd' });
    const canceled = await stripe.paymentIntents.cancel(open.id, {
      cancellation_reason: 'requested_by_customer',
    });
    expect(canceled).toMatchObject({ status: 'canceled', cancellation_reason: 'requested_by_customer' });
  });

  it("charges a customer's saved card off-session, and refuses another customer's card", async () => {
    const customer = await stripe.customers.create({});
    const other = await stripe.customers.create({});
    const method = await stripe.paymentMethods.attach('pm_card_visa', { customer: customer.id });
    const intent = await stripe.paymentIntents.create({
      amount: 4000,
      currency: 'usd',
      customer: customer.id,
      payment_method: method.id,
      off_session: true,
      confirm: true,
    });
    expect(intent.status).toBe('succeeded');
    const foreign = await caught(
      stripe.paymentIntents.create({
        amount: 4000,
        currency: 'usd',
        customer: other.id,
        payment_method: method.id,
      }),
    );
    expect(foreign.param).toBe('payment_method');
  });
});

describe('SetupIntents and PaymentMethods', () => {
  it('confirms a SetupIntent with a test card, attaching the card to the customer', async () => {
    const customer = await stripe.customers.create({});
    const setup = await stripe.setupIntents.create({
      customer: customer.id,
      usage: 'off_session',
      allowed_payment_method_types: ['card'],
    });
    expect(setup.client_secret).toMatch(/^seti_.+_secret_.+/);
    const confirmed = await stripe.setupIntents.confirm(setup.id, { payment_method: 'pm_card_mastercard' });
    expect(confirmed.status).toBe('succeeded');
    const methods = await stripe.customers.listPaymentMethods(customer.id);
    expect(methods.data.map((method) => [method.id, method.card?.brand, method.card?.last4])).toEqual([
      [confirmed.payment_method, 'mastercard', '4444'],
    ]);
    const card = methods.data[0]?.card;
    expect(card?.fingerprint).toEqual(expect.any(String));
    expect(card?.exp_year).toBeGreaterThan(2025);
    const detached = await stripe.paymentMethods.detach(confirmed.payment_method as string);
    expect(detached.customer).toBeNull();
    expect((await stripe.customers.listPaymentMethods(customer.id)).data).toHaveLength(0);
    const types = await eventTypes();
    expect(types).toEqual(
      expect.arrayContaining([
        'setup_intent.created',
        'setup_intent.succeeded',
        'payment_method.attached',
        'payment_method.detached',
      ]),
    );
  });

  it('fails a SetupIntent with a declining card (402 with the setup_intent)', async () => {
    const setup = await stripe.setupIntents.create({ allowed_payment_method_types: ['card'] });
    const error = await caught(
      stripe.setupIntents.confirm(setup.id, { payment_method: 'pm_card_chargeDeclined' }),
    );
    expect(error).toBeInstanceOf(Stripe.errors.StripeCardError);
    expect(error.setup_intent?.status).toBe('requires_payment_method');
  });
});
