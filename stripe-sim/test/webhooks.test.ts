import Stripe from 'stripe';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type StripeSimulator, startStripeSimulator } from '../src/server.ts';
import { newKey, type Receiver, simCall, sleep, startReceiver, stripeClient, waitFor } from './helpers.ts';

let sim: StripeSimulator;
const receivers: Receiver[] = [];

beforeAll(async () => {
  sim = await startStripeSimulator({ port: 0, webhookRetryDelaysMs: [50, 100, 150] });
});
afterEach(async () => {
  await Promise.all(receivers.splice(0).map((receiver) => receiver.close()));
});
afterAll(() => sim.close());

async function account(status?: (index: number) => number, enabledEvents: string[] = ['*']) {
  const key = newKey();
  const stripe = stripeClient(sim.port, key);
  const receiver = await startReceiver(status);
  receivers.push(receiver);
  const endpoint = await stripe.webhookEndpoints.create({
    url: receiver.url,
    enabled_events: enabledEvents as Stripe.WebhookEndpointCreateParams.EnabledEvent[],
    api_version: '2026-10-28.endive',
  });
  return { key, stripe, receiver, endpoint, secret: endpoint.secret as string };
}

interface Deliveries {
  data: Array<{
    event_id: string;
    event_type: string;
    attempt: number;
    outcome: string;
    status_code: number | null;
  }>;
  pending: number;
}

async function deliveries(key: string): Promise<Deliveries> {
  return (await simCall<Deliveries>(sim.url, key, 'GET', '/_sim/deliveries')).body;
}

async function quiet(key: string): Promise<Deliveries> {
  return waitFor(async () => {
    const current = await deliveries(key);
    return current.pending === 0 ? current : undefined;
  });
}

describe('signed webhook delivery', () => {
  it('delivers events signed as Stripe signs them, verified by Stripe.webhooks.constructEvent', async () => {
    const { stripe, receiver, secret, key } = await account();
    const customer = await stripe.customers.create({ metadata: { client_id: 'cl_1' } });
    const [delivery] = await waitFor(() => (receiver.received.length >= 1 ? receiver.received : undefined));
    expect(delivery?.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(delivery?.headers['user-agent']).toBe('Stripe/1.0 (+https://stripe.com/docs/webhooks)');
    expect(delivery?.headers['stripe-signature']).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    const event = Stripe.webhooks.constructEvent(
      delivery?.body ?? '',
      String(delivery?.headers['stripe-signature']),
      secret,
    );
    expect(event).toMatchObject({
      type: 'customer.created',
      livemode: false,
      api_version: '2026-10-28.endive',
    });
    expect((event.data.object as Stripe.Customer).id).toBe(customer.id);
    expect(event.request?.idempotency_key).toMatch(/^stripe-node-retry-/);
    expect(() =>
      Stripe.webhooks.constructEvent(
        delivery?.body ?? '',
        String(delivery?.headers['stripe-signature']),
        'whsec_wrong',
      ),
    ).toThrow();
    await quiet(key);
    expect((await stripe.events.retrieve(event.id)).pending_webhooks).toBe(0);
  });

  it('sends only enabled event types, and nothing to a disabled endpoint', async () => {
    const { stripe, receiver, endpoint, key } = await account(undefined, ['payment_intent.succeeded']);
    await stripe.customers.create({});
    await stripe.paymentIntents.create({
      amount: 1000,
      currency: 'usd',
      payment_method: 'pm_card_visa',
      confirm: true,
      allowed_payment_method_types: ['card'],
    });
    await quiet(key);
    expect(receiver.received.map((item) => (JSON.parse(item.body) as Stripe.Event).type)).toEqual([
      'payment_intent.succeeded',
    ]);
    await stripe.webhookEndpoints.update(endpoint.id, { disabled: true });
    await stripe.paymentIntents.create({
      amount: 1000,
      currency: 'usd',
      payment_method: 'pm_card_visa',
      confirm: true,
      allowed_payment_method_types: ['card'],
    });
    await sleep(100);
    expect(receiver.received).toHaveLength(1);
  });

  it('retries a failing endpoint on the schedule until it answers 2xx, counting pending_webhooks down', async () => {
    const { stripe, receiver, key } = await account((index) => (index < 2 ? 500 : 200));
    const customer = await stripe.customers.create({});
    const event = (await stripe.events.list({ type: 'customer.created' })).data[0];
    expect(event?.pending_webhooks).toBe(1);
    const log = await quiet(key);
    expect(receiver.received).toHaveLength(3);
    expect(log.data.map((entry) => [entry.attempt, entry.outcome, entry.status_code])).toEqual([
      [1, 'failed', 500],
      [2, 'failed', 500],
      [3, 'succeeded', 200],
    ]);
    const gaps = receiver.received
      .slice(1)
      .map((item, index) => item.receivedAt - (receiver.received[index]?.receivedAt ?? 0));
    expect(gaps[0]).toBeGreaterThanOrEqual(40);
    expect(gaps[1]).toBeGreaterThanOrEqual(90);
    expect((await stripe.events.retrieve(event?.id ?? '')).pending_webhooks).toBe(0);
    expect(customer.id).toMatch(/^cus_/);
  });

  it('gives up after the last retry and keeps pending_webhooks, and retries connection errors', async () => {
    const key = newKey();
    const stripe = stripeClient(sim.port, key);
    await stripe.webhookEndpoints.create({
      url: 'http://127.0.0.1:9/closed',
      enabled_events: ['customer.created'],
    });
    await stripe.customers.create({});
    const log = await quiet(key);
    expect(log.data.map((entry) => entry.outcome)).toEqual(['failed', 'failed', 'failed', 'failed']);
    expect((await stripe.events.list()).data[0]?.pending_webhooks).toBe(1);
  });
});

describe('chaos', () => {
  it('delivers each event N times', async () => {
    const { key, stripe, receiver } = await account();
    await simCall(sim.url, key, 'POST', '/_sim/chaos', { duplicate: '3' });
    const customer = await stripe.customers.create({});
    await quiet(key);
    const ids = receiver.received.map((item) => (JSON.parse(item.body) as Stripe.Event).id);
    expect(ids).toHaveLength(3);
    expect(new Set(ids).size).toBe(1);
    expect(customer.id).toMatch(/^cus_/);
  });

  it('shuffles events held in a window, reproducibly for a seed', async () => {
    const orderFor = async (seed: string) => {
      const { key, stripe, receiver } = await account();
      await simCall(sim.url, key, 'POST', '/_sim/chaos', { shuffle_window_ms: '500', seed });
      const created: string[] = [];
      for (let index = 0; index < 8; index += 1)
        created.push((await stripe.customers.create({ metadata: { n: String(index) } })).id);
      await quiet(key);
      return receiver.received.map((item) =>
        created.indexOf(((JSON.parse(item.body) as Stripe.Event).data.object as { id: string }).id),
      );
    };
    const first = await orderFor('42');
    expect([...first].sort()).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(first).not.toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(await orderFor('42')).toEqual(first);
  });

  it('delays deliveries', async () => {
    const { key, stripe, receiver } = await account();
    await simCall(sim.url, key, 'POST', '/_sim/chaos', { delay_ms: '300' });
    const started = Date.now();
    await stripe.customers.create({});
    await waitFor(() => receiver.received.length === 1);
    expect((receiver.received[0]?.receivedAt ?? 0) - started).toBeGreaterThanOrEqual(280);
  });

  it('drops a fraction of deliveries while the Events API still lists every event', async () => {
    const { key, stripe, receiver } = await account();
    await simCall(sim.url, key, 'POST', '/_sim/chaos', { drop_rate: '0.5', seed: '7' });
    for (let index = 0; index < 10; index += 1) await stripe.customers.create({});
    const log = await quiet(key);
    const dropped = log.data.filter((entry) => entry.outcome === 'dropped').length;
    expect(dropped).toBeGreaterThan(0);
    expect(receiver.received.length).toBe(10 - dropped);
    expect((await stripe.events.list({ type: 'customer.created', limit: 100 })).data).toHaveLength(10);
    const reset = await simCall<{ dropRate: number }>(sim.url, key, 'DELETE', '/_sim/chaos');
    expect(reset.body.dropRate).toBe(0);
  });
});

describe('Events API', () => {
  it('filters by type (with wildcard), types[] and created, newest first with pagination', async () => {
    const { stripe, key } = await account();
    const customer = await stripe.customers.create({});
    await stripe.customers.update(customer.id, { metadata: { a: '1' } });
    await stripe.paymentIntents.create({
      amount: 1000,
      currency: 'usd',
      payment_method: 'pm_card_visa',
      confirm: true,
      allowed_payment_method_types: ['card'],
    });
    const all = await stripe.events.list({ limit: 100 });
    expect(all.data.map((event) => event.type)).toEqual([
      'payment_intent.succeeded',
      'charge.succeeded',
      'payment_intent.created',
      'customer.updated',
      'customer.created',
    ]);
    const updated = all.data[3];
    expect(updated?.data.previous_attributes).toEqual({ metadata: {} });
    expect(all.data[4]?.data.previous_attributes).toBeUndefined();
    expect((await stripe.events.list({ type: 'payment_intent.*' })).data).toHaveLength(2);
    expect((await stripe.events.list({ types: ['charge.succeeded', 'customer.created'] })).data).toHaveLength(
      2,
    );
    const created = all.data[0]?.created ?? 0;
    expect((await stripe.events.list({ created: { gt: created } })).data).toHaveLength(0);
    expect((await stripe.events.list({ created: { gte: created - 60, lte: created } })).data).toHaveLength(5);
    const page = await stripe.events.list({ limit: 2, starting_after: all.data[1]?.id });
    expect(page.data.map((event) => event.id)).toEqual([all.data[2]?.id, all.data[3]?.id]);
    expect(page.has_more).toBe(true);
    await quiet(key);
  });

  it('forgets events older than 30 days', async () => {
    const own = await startStripeSimulator({ port: 0 });
    try {
      const key = newKey();
      const stripe = stripeClient(own.port, key);
      await stripe.customers.create({});
      const [old] = (await stripe.events.list()).data;
      await simCall(own.url, key, 'POST', '/_sim/clock/advance', { seconds: String(29 * 86_400) });
      expect((await stripe.events.list()).data).toHaveLength(1);
      await simCall(own.url, key, 'POST', '/_sim/clock/advance', { seconds: String(2 * 86_400) });
      await stripe.customers.create({});
      const recent = await stripe.events.list();
      expect(recent.data).toHaveLength(1);
      expect(recent.data[0]?.id).not.toBe(old?.id);
      await expect(stripe.events.retrieve(old?.id ?? '')).rejects.toMatchObject({ statusCode: 404 });
    } finally {
      await own.close();
    }
  });
});
