import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type StripeSimulator, startStripeSimulator } from '../src/server.ts';
import { newKey, simCall, stripeClient } from './helpers.ts';

let sim: StripeSimulator;

beforeAll(async () => {
  sim = await startStripeSimulator({ port: 0 });
});
afterAll(() => sim.close());

function setup() {
  const key = newKey();
  return { key, stripe: stripeClient(sim.port, key) };
}

async function pay(stripe: Stripe, amount: number): Promise<Stripe.PaymentIntent> {
  return stripe.paymentIntents.create({
    amount,
    currency: 'usd',
    payment_method: 'pm_card_visa',
    confirm: true,
    allowed_payment_method_types: ['card'],
    metadata: { booking_id: `bk_${amount}` },
  });
}

describe('balance and payouts', () => {
  it('tracks pending funds, then pays the whole balance out automatically with linked balance transactions', async () => {
    const { key, stripe } = setup();
    const amounts = [1000, 2000, 3000, 4000, 5000];
    const intents = [];
    for (const amount of amounts) intents.push(await pay(stripe, amount));
    await stripe.refunds.create({ payment_intent: intents[0]?.id ?? '', amount: 300 });
    const before = await stripe.balance.retrieve();
    const fees = amounts.reduce((sum, amount) => sum + Math.round(amount * 0.029) + 30, 0);
    expect(before.pending).toEqual([
      { amount: 15000 - fees, currency: 'usd', source_types: { card: 15000 - fees } },
    ]);
    expect(before.available[0]?.amount).toBe(-300);

    const response = await simCall<Stripe.Payout>(sim.url, key, 'POST', '/_sim/payouts', { currency: 'usd' });
    const payout = response.body;
    expect(payout).toMatchObject({
      automatic: true,
      status: 'paid',
      reconciliation_status: 'completed',
      amount: 15000 - fees - 300,
    });
    const after = await stripe.balance.retrieve();
    expect([after.available[0]?.amount, after.pending[0]?.amount]).toEqual([0, 0]);

    const seen: Stripe.BalanceTransaction[] = [];
    let page = await stripe.balanceTransactions.list({ payout: payout.id, limit: 3 });
    seen.push(...page.data);
    while (page.has_more) {
      page = await stripe.balanceTransactions.list({
        payout: payout.id,
        limit: 3,
        starting_after: seen.at(-1)?.id,
      });
      seen.push(...page.data);
    }
    expect(seen.map((item) => item.type).sort()).toEqual([
      'charge',
      'charge',
      'charge',
      'charge',
      'charge',
      'payout',
      'refund',
    ]);
    expect(seen.reduce((sum, item) => sum + item.net, 0)).toBe(0);
    expect(seen.find((item) => item.type === 'payout')).toMatchObject({
      amount: -payout.amount,
      source: payout.id,
    });
    const auto: string[] = [];
    for await (const item of stripe.balanceTransactions.list({ payout: payout.id, limit: 2 }))
      auto.push(item.id);
    expect(auto).toHaveLength(7);

    const events = await stripe.events.list({ type: 'payout.*' });
    expect(events.data.map((event) => event.type).reverse()).toEqual([
      'payout.created',
      'payout.paid',
      'payout.reconciliation_completed',
    ]);
    const paid = events.data.find((event) => event.type === 'payout.paid');
    expect((paid?.data.object as Stripe.Payout | undefined)?.reconciliation_status).toBe('in_progress');
    expect((await stripe.payouts.list()).data.map((item) => item.id)).toEqual([payout.id]);
  });

  it('refuses balance transactions by payout for a manual payout, as Stripe does', async () => {
    const { key, stripe } = setup();
    await pay(stripe, 5000);
    expect((await simCall(sim.url, key, 'POST', '/_sim/payouts', { automatic: 'false' })).status).toBe(400);
    await simCall(sim.url, key, 'POST', '/_sim/clock/advance', { seconds: String(3 * 86_400) });
    const manual = await stripe.payouts.create({ amount: 1000, currency: 'usd' });
    expect(manual).toMatchObject({
      automatic: false,
      reconciliation_status: 'not_applicable',
      status: 'paid',
    });
    const error = await stripe.balanceTransactions
      .list({ payout: manual.id })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    expect((error as Stripe.errors.StripeError).message).toBe(
      'Balance transaction history can only be filtered on automatic transfers, not manual.',
    );
  });

  it('fails a payout after it was paid (payout.failed with failure_code)', async () => {
    const { key, stripe } = setup();
    await pay(stripe, 2500);
    const response = await simCall<Stripe.Payout>(sim.url, key, 'POST', '/_sim/payouts', {
      fail: 'true',
      failure_code: 'account_closed',
    });
    expect(response.body).toMatchObject({ status: 'failed', failure_code: 'account_closed' });
    expect(response.body.failure_balance_transaction).toMatch(/^txn_/);
    const types = (await stripe.events.list({ type: 'payout.*' })).data.map((event) => event.type).reverse();
    expect(types).toEqual(['payout.created', 'payout.paid', 'payout.failed']);
    expect((await stripe.balance.retrieve()).available[0]?.amount).toBe(2500 - 103);
  });
});

describe('disputes', () => {
  it('opens a dispute with the amount and 15.00 fee withdrawn, updates it and closes it won', async () => {
    const { key, stripe } = setup();
    const intent = await pay(stripe, 10000);
    const opened = await simCall<Stripe.Dispute>(sim.url, key, 'POST', '/_sim/disputes', {
      charge: intent.latest_charge as string,
      reason: 'fraudulent',
    });
    expect(opened.body).toMatchObject({ amount: 10000, reason: 'fraudulent', status: 'needs_response' });
    expect(opened.body.id).toMatch(/^dp_/);
    expect(opened.body.evidence_details.due_by).toBeGreaterThan(Math.floor(Date.now() / 1000));
    const [withdrawal] = opened.body.balance_transactions;
    expect(withdrawal).toMatchObject({ amount: -10000, fee: 1500, net: -11500, type: 'adjustment' });
    expect((await stripe.charges.retrieve(intent.latest_charge as string)).disputed).toBe(true);
    const refund = await stripe.refunds
      .create({ payment_intent: intent.id })
      .catch((error: unknown) => error);
    expect((refund as Stripe.errors.StripeError).code).toBe('charge_disputed');

    await simCall(sim.url, key, 'POST', `/_sim/disputes/${opened.body.id}/update`, {
      'evidence[uncategorized_text]': 'appointment attended',
    });
    const closed = await simCall<Stripe.Dispute>(
      sim.url,
      key,
      'POST',
      `/_sim/disputes/${opened.body.id}/close`,
      {
        outcome: 'won',
      },
    );
    expect(closed.body.status).toBe('won');
    expect(closed.body.balance_transactions).toHaveLength(2);
    const events = (await stripe.events.list({ type: 'charge.dispute.*' })).data.reverse();
    expect(events.map((event) => event.type)).toEqual([
      'charge.dispute.created',
      'charge.dispute.funds_withdrawn',
      'charge.dispute.updated',
      'charge.dispute.funds_reinstated',
      'charge.dispute.closed',
    ]);
    expect(events[2]?.data.previous_attributes).toMatchObject({ status: 'needs_response' });
    expect(events[0]?.request).toEqual({ id: null, idempotency_key: null });
  });

  it('closes a dispute lost through the API (accept)', async () => {
    const { key, stripe } = setup();
    const intent = await pay(stripe, 3000);
    const opened = await simCall<Stripe.Dispute>(sim.url, key, 'POST', '/_sim/disputes', {
      payment_intent: intent.id,
    });
    const lost = await stripe.disputes.close(opened.body.id);
    expect(lost.status).toBe('lost');
    expect((await stripe.disputes.list({ charge: intent.latest_charge as string })).data).toHaveLength(1);
  });
});
