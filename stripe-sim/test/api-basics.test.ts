import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type StripeSimulator, startStripeSimulator } from '../src/server.ts';
import { caught, newKey, simCall, stripeClient } from './helpers.ts';

let sim: StripeSimulator;

beforeAll(async () => {
  sim = await startStripeSimulator({ port: 0 });
});
afterAll(() => sim.close());

describe('accounts by key', () => {
  it('gives each key suffix a stable account shared by sk_, rk_ and test/live modes apart', async () => {
    const suffix = `clinic${Date.now()}`;
    const secret = stripeClient(sim.port, `sk_test_${suffix}`);
    const restricted = stripeClient(sim.port, `rk_test_${suffix}`);
    const live = stripeClient(sim.port, `sk_live_${suffix}`);
    const account = await secret.accounts.retrieveCurrent();
    expect(account.id).toMatch(/^acct_/);
    expect((await restricted.accounts.retrieveCurrent()).id).toBe(account.id);
    const customer = await secret.customers.create({});
    expect((await restricted.customers.retrieve(customer.id)).id).toBe(customer.id);
    expect(customer.livemode).toBe(false);
    const liveError = await caught(live.customers.retrieve(customer.id));
    expect(liveError.statusCode).toBe(404);
    expect((await live.customers.create({})).livemode).toBe(true);
    const balance = await secret.balance.retrieve();
    expect(balance.object).toBe('balance');
  });

  it('answers a malformed key with 401 (StripeAuthenticationError)', async () => {
    const error = await caught(stripeClient(sim.port, 'not_a_key').customers.list());
    expect(error).toBeInstanceOf(Stripe.errors.StripeAuthenticationError);
    expect(error.statusCode).toBe(401);
    expect(error.message).toMatch(/^Invalid API Key provided/);
  });

  it('refuses a revoked key with api_key_expired, and accepts it again once restored', async () => {
    const key = newKey();
    const stripe = stripeClient(sim.port, key);
    await stripe.customers.list();
    expect((await simCall(sim.url, key, 'POST', '/_sim/keys/revoke')).status).toBe(200);
    const error = await caught(stripe.customers.list());
    expect(error).toBeInstanceOf(Stripe.errors.StripeAuthenticationError);
    expect(error.code).toBe('api_key_expired');
    await simCall(sim.url, key, 'POST', '/_sim/keys/restore');
    await expect(stripe.customers.list()).resolves.toBeDefined();
  });

  it("gives a restricted key's missing permission a 403 StripePermissionError naming the rak_ permission", async () => {
    const suffix = newKey().slice(8);
    const restrictedKey = `rk_test_${suffix}`;
    const restricted = stripeClient(sim.port, restrictedKey);
    await restricted.webhookEndpoints.list();
    const set = await simCall(sim.url, `sk_test_${suffix}`, 'POST', '/_sim/keys/permissions', {
      key: restrictedKey,
      'permissions[customer]': 'read',
      'permissions[payment_intent]': 'write',
    });
    expect(set.status).toBe(200);
    await restricted.customers.list();
    await restricted.paymentIntents.create({ amount: 500, currency: 'usd' });
    const write = await caught(restricted.customers.create({}));
    expect(write).toBeInstanceOf(Stripe.errors.StripePermissionError);
    expect(write.statusCode).toBe(403);
    expect(write.message).toContain("'rak_customer_write'");
    const none = await caught(restricted.webhookEndpoints.list());
    expect(none.message).toContain("'rak_webhook_read'");
  });

  it('lets a publishable key only do what Stripe.js does, with the client secret', async () => {
    const suffix = newKey().slice(8);
    const intent = await stripeClient(sim.port, `sk_test_${suffix}`).paymentIntents.create({
      amount: 900,
      currency: 'usd',
    });
    const browser = stripeClient(sim.port, `pk_test_${suffix}`);
    expect((await caught(browser.customers.list())).statusCode).toBe(401);
    const wrongSecret = await caught(
      browser.paymentIntents.confirm(intent.id, {
        payment_method: 'pm_card_visa',
        client_secret: 'nope',
      } as never),
    );
    expect(wrongSecret.param).toBe('client_secret');
    const confirmed = await browser.paymentIntents.confirm(intent.id, {
      payment_method: 'pm_card_visa',
      client_secret: intent.client_secret,
    } as Stripe.PaymentIntentConfirmParams);
    expect(confirmed.status).toBe('succeeded');
  });
});

describe('requests, errors and headers', () => {
  const key = newKey();
  let stripe: Stripe;
  beforeAll(() => {
    stripe = stripeClient(sim.port, key);
  });

  it('answers with a Request-Id and echoes Stripe-Version', async () => {
    const response = await fetch(`${sim.url}/v1/customers`, {
      headers: { Authorization: `Bearer ${key}`, 'Stripe-Version': '2026-10-28.endive' },
    });
    expect(response.headers.get('request-id')).toMatch(/^req_/);
    expect(response.headers.get('stripe-version')).toBe('2026-10-28.endive');
    const basic = await fetch(`${sim.url}/v1/customers`, {
      headers: { Authorization: `Basic ${Buffer.from(`${key}:`).toString('base64')}` },
    });
    expect(basic.status).toBe(200);
  });

  it('reports missing, malformed and unknown parameters with param and code', async () => {
    const missing = await caught(
      stripe.paymentIntents.create({ currency: 'usd' } as Stripe.PaymentIntentCreateParams),
    );
    expect(missing).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    expect(missing).toMatchObject({ code: 'parameter_missing', param: 'amount', statusCode: 400 });
    const integer = await caught(
      stripe.paymentIntents.create({ amount: 'ten' as unknown as number, currency: 'usd' }),
    );
    expect(integer).toMatchObject({ code: 'parameter_invalid_integer', param: 'amount' });
    const unknown = await caught(
      stripe.customers.create({ card_number: '4242' } as Stripe.CustomerCreateParams),
    );
    expect(unknown).toMatchObject({ code: 'parameter_unknown', param: 'card_number' });
    const absent = await caught(stripe.paymentIntents.retrieve('pi_doesnotexist'));
    expect(absent).toMatchObject({ code: 'resource_missing', statusCode: 404, param: 'intent' });
    expect(absent.message).toBe("No such payment_intent: 'pi_doesnotexist'");
    expect(absent.requestId).toMatch(/^req_/);
  });

  it('reads nested metadata, expand[] and updates that unset values', async () => {
    const customer = await stripe.customers.create({
      name: 'x',
      metadata: { client_id: 'cl_9', clinic_id: 'cn_1' },
    });
    expect(customer.metadata).toEqual({ client_id: 'cl_9', clinic_id: 'cn_1' });
    const updated = await stripe.customers.update(customer.id, { name: '', metadata: { clinic_id: '' } });
    expect(updated.name).toBeNull();
    expect(updated.metadata).toEqual({ client_id: 'cl_9' });
    const method = await stripe.paymentMethods.attach('pm_card_mastercard', { customer: customer.id });
    const withDefault = await stripe.customers.update(customer.id, {
      invoice_settings: { default_payment_method: method.id },
      expand: ['invoice_settings.default_payment_method'],
    });
    const expanded = withDefault.invoice_settings.default_payment_method as Stripe.PaymentMethod;
    expect(expanded.card?.last4).toBe('4444');
    expect((await stripe.customers.del(customer.id)).deleted).toBe(true);
    expect(((await stripe.customers.retrieve(customer.id)) as Stripe.DeletedCustomer).deleted).toBe(true);
  });

  it('paginates lists newest first with limit, starting_after and ending_before', async () => {
    const own = stripeClient(sim.port, newKey());
    const ids: string[] = [];
    for (let index = 0; index < 5; index += 1) ids.push((await own.customers.create({})).id);
    const newestFirst = [...ids].reverse();
    const first = await own.customers.list({ limit: 2 });
    expect(first).toMatchObject({ object: 'list', has_more: true, url: '/v1/customers' });
    expect(first.data.map((item) => item.id)).toEqual(newestFirst.slice(0, 2));
    const second = await own.customers.list({ limit: 2, starting_after: newestFirst[1] });
    expect(second.data.map((item) => item.id)).toEqual(newestFirst.slice(2, 4));
    const back = await own.customers.list({ limit: 2, ending_before: newestFirst[4] });
    expect(back.data.map((item) => item.id)).toEqual(newestFirst.slice(2, 4));
    const all: string[] = [];
    for await (const customer of own.customers.list({ limit: 2 })) all.push(customer.id);
    expect(all).toEqual(newestFirst);
  });
});

describe('idempotency', () => {
  it('replays the first answer for the same key and parameters, and only one object exists', async () => {
    const key = newKey();
    const stripe = stripeClient(sim.port, key);
    const params = { amount: 5000, currency: 'usd', metadata: { booking_id: 'bk_1' } };
    const first = await stripe.paymentIntents.create(params, { idempotencyKey: 'booking-bk_1' });
    const second = await stripe.paymentIntents.create(params, { idempotencyKey: 'booking-bk_1' });
    expect(second.id).toBe(first.id);
    expect(second.lastResponse.headers['idempotent-replayed']).toBe('true');
    expect((await stripe.paymentIntents.list()).data).toHaveLength(1);
    const log = await simCall<{
      data: Array<{ path: string; idempotency_key: string; idempotent_replayed: boolean }>;
    }>(sim.url, key, 'GET', '/_sim/requests', { method: 'POST', path: '/v1/payment_intents' });
    expect(log.body.data.map((entry) => entry.idempotent_replayed)).toEqual([false, true]);
    expect(log.body.data.every((entry) => entry.idempotency_key === 'booking-bk_1')).toBe(true);
  });

  it('replays a card error too, and refuses the key with other parameters or another endpoint', async () => {
    const stripe = stripeClient(sim.port, newKey());
    const params = {
      amount: 5000,
      currency: 'usd',
      payment_method: 'pm_card_chargeDeclined',
      confirm: true,
      allowed_payment_method_types: ['card'],
    };
    const first = await caught(stripe.paymentIntents.create(params, { idempotencyKey: 'k-declined' }));
    const again = await caught(stripe.paymentIntents.create(params, { idempotencyKey: 'k-declined' }));
    expect(again).toBeInstanceOf(Stripe.errors.StripeCardError);
    expect(again.payment_intent?.id).toBe(first.payment_intent?.id);
    const mismatch = await caught(
      stripe.paymentIntents.create({ ...params, amount: 6000 }, { idempotencyKey: 'k-declined' }),
    );
    expect(mismatch).toBeInstanceOf(Stripe.errors.StripeIdempotencyError);
    expect(mismatch.type).toBe('StripeIdempotencyError');
    expect(mismatch.rawType).toBe('idempotency_error');
    const otherEndpoint = await caught(stripe.customers.create({}, { idempotencyKey: 'k-declined' }));
    expect(otherEndpoint.rawType).toBe('idempotency_error');
  });

  it('keeps keys per account', async () => {
    const a = stripeClient(sim.port, newKey());
    const b = stripeClient(sim.port, newKey());
    const fromA = await a.customers.create({}, { idempotencyKey: 'same-key' });
    const fromB = await b.customers.create({}, { idempotencyKey: 'same-key' });
    expect(fromB.id).not.toBe(fromA.id);
  });
});
