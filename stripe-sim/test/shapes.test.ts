import type Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type StripeSimulator, startStripeSimulator } from '../src/server.ts';
import { missingKeys, newKey, simCall, stripeClient } from './helpers.ts';

let sim: StripeSimulator;
let stripe: Stripe;
let key: string;

beforeAll(async () => {
  sim = await startStripeSimulator({ port: 0 });
  key = newKey();
  stripe = stripeClient(sim.port, key);
});
afterAll(() => sim.close());

async function paidIntent(): Promise<Stripe.PaymentIntent> {
  const customer = await stripe.customers.create({ metadata: { client_id: 'cl_1' } });
  return stripe.paymentIntents.create({
    amount: 1099,
    currency: 'usd',
    customer: customer.id,
    payment_method: 'pm_card_visa',
    allowed_payment_method_types: ['card'],
    confirm: true,
  });
}

describe('objects carry every top-level field of the Stripe fixtures', () => {
  it('customer, payment_method, setup_intent', async () => {
    const customer = await stripe.customers.create({ email: 'client@example.test' });
    expect(missingKeys(customer, 'customer')).toEqual([]);
    expect(customer.id).toMatch(/^cus_/);
    const setupIntent = await stripe.setupIntents.create({ customer: customer.id, usage: 'off_session' });
    expect(missingKeys(setupIntent, 'setup_intent')).toEqual([]);
    expect(setupIntent.client_secret).toMatch(new RegExp(`^${setupIntent.id}_secret_`));
    const method = await stripe.paymentMethods.retrieve('pm_card_visa');
    expect(missingKeys(method, 'payment_method')).toEqual([]);
    expect(method.id).toMatch(/^pm_/);
    expect(method.card).toMatchObject({ brand: 'visa', last4: '4242' });
  });

  it('payment_intent, charge (with refunds expanded), refund, balance_transaction', async () => {
    const created = await stripe.paymentIntents.create({ amount: 1099, currency: 'usd' });
    expect(missingKeys(created, 'payment_intent')).toEqual([]);
    expect(created).toMatchObject({
      object: 'payment_intent',
      livemode: false,
      status: 'requires_payment_method',
    });
    const intent = await paidIntent();
    const refund = await stripe.refunds.create({ payment_intent: intent.id, amount: 100 });
    expect(missingKeys(refund, 'refund')).toEqual([]);
    expect(refund.id).toMatch(/^re_/);
    const charge = await stripe.charges.retrieve(intent.latest_charge as string, { expand: ['refunds'] });
    expect(missingKeys(charge, 'charge')).toEqual([]);
    expect(charge.refunds?.data.map((item) => item.id)).toEqual([refund.id]);
    const transaction = await stripe.balanceTransactions.retrieve(charge.balance_transaction as string);
    expect(missingKeys(transaction, 'balance_transaction')).toEqual([]);
    expect(transaction).toMatchObject({ type: 'charge', source: charge.id, fee: 62, net: 1037 });
  });

  it('payout and dispute (made by /_sim calls), webhook_endpoint, event', async () => {
    const intent = await paidIntent();
    const payout = await simCall<{ id: string }>(sim.url, key, 'POST', '/_sim/payouts', {});
    expect(payout.status).toBe(200);
    expect(missingKeys(await stripe.payouts.retrieve(payout.body.id), 'payout')).toEqual([]);
    const dispute = await simCall<{ id: string }>(sim.url, key, 'POST', '/_sim/disputes', {
      payment_intent: intent.id,
    });
    expect(missingKeys(await stripe.disputes.retrieve(dispute.body.id), 'dispute')).toEqual([]);
    const endpoint = await stripe.webhookEndpoints.create({
      url: 'http://127.0.0.1:9/hook',
      enabled_events: ['*'],
    });
    expect(endpoint.secret).toMatch(/^whsec_/);
    const retrieved = await stripe.webhookEndpoints.retrieve(endpoint.id);
    expect(missingKeys(retrieved, 'webhook_endpoint')).toEqual([]);
    expect(retrieved.secret).toBeUndefined();
    const [event] = (await stripe.events.list({ limit: 1 })).data;
    expect(event && missingKeys(event, 'event')).toEqual([]);
  });
});
