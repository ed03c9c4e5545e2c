import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type StripeSimulator, startStripeSimulator } from '../src/server.ts';
import { caught, newKey, stripeClient, waitFor } from './helpers.ts';

let sim: StripeSimulator;
let stripe: Stripe;

beforeAll(async () => {
  sim = await startStripeSimulator({ port: 0, refundFailureDelayMs: 100 });
  stripe = stripeClient(sim.port, newKey());
});
afterAll(() => sim.close());

async function paid(amount: number, token = 'pm_card_visa'): Promise<Stripe.PaymentIntent> {
  return stripe.paymentIntents.create({
    amount,
    currency: 'usd',
    payment_method: token,
    confirm: true,
    allowed_payment_method_types: ['card'],
  });
}

describe('Refunds', () => {
  it('refunds partially then fully; amount_refunded is cumulative and refunded turns true', async () => {
    const intent = await paid(1099);
    const partial = await stripe.refunds.create({
      payment_intent: intent.id,
      amount: 500,
      reason: 'requested_by_customer',
      metadata: { refund_request_id: 'rr_1' },
    });
    expect(partial).toMatchObject({ status: 'succeeded', amount: 500, charge: intent.latest_charge });
    expect(partial.metadata).toEqual({ refund_request_id: 'rr_1' });
    let charge = await stripe.charges.retrieve(intent.latest_charge as string);
    expect(charge).toMatchObject({ amount_refunded: 500, refunded: false });
    const rest = await stripe.refunds.create({ charge: charge.id });
    expect(rest.amount).toBe(599);
    charge = await stripe.charges.retrieve(charge.id, { expand: ['refunds'] });
    expect(charge).toMatchObject({ amount_refunded: 1099, refunded: true });
    expect(charge.refunds?.data).toHaveLength(2);
    const transaction = await stripe.balanceTransactions.retrieve(rest.balance_transaction as string);
    expect(transaction).toMatchObject({ type: 'refund', amount: -599, source: rest.id });
    expect((await stripe.refunds.list({ payment_intent: intent.id })).data).toHaveLength(2);
  });

  it('refuses over-refunds and refunds of a fully refunded charge as Stripe does', async () => {
    const intent = await paid(1000);
    await stripe.refunds.create({ payment_intent: intent.id, amount: 400 });
    const over = await caught(stripe.refunds.create({ payment_intent: intent.id, amount: 700 }));
    expect(over).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    expect(over).toMatchObject({ param: 'amount', statusCode: 400 });
    expect(over.message).toBe('Refund amount ($7.00) is greater than unrefunded amount on charge ($6.00)');
    await stripe.refunds.create({ payment_intent: intent.id });
    const again = await caught(stripe.refunds.create({ payment_intent: intent.id }));
    expect(again.code).toBe('charge_already_refunded');
    const unpaid = await stripe.paymentIntents.create({ amount: 1000, currency: 'usd' });
    expect((await caught(stripe.refunds.create({ payment_intent: unpaid.id }))).statusCode).toBe(400);
  });

  it('fails a refund of a pm_card_refundFail charge asynchronously, giving the amount back', async () => {
    const intent = await paid(2000, 'pm_card_refundFail');
    const refund = await stripe.refunds.create({ payment_intent: intent.id, amount: 1500 });
    expect(refund.status).toBe('succeeded');
    expect((await stripe.charges.retrieve(intent.latest_charge as string)).amount_refunded).toBe(1500);
    const failed = await waitFor(async () => {
      const current = await stripe.refunds.retrieve(refund.id);
      return current.status === 'failed' ? current : undefined;
    });
    expect(failed.failure_reason).toBe('expired_or_canceled_card');
    expect(failed.failure_balance_transaction).toMatch(/^txn_/);
    const charge = await stripe.charges.retrieve(intent.latest_charge as string);
    expect(charge).toMatchObject({ amount_refunded: 0, refunded: false });
    const events = await stripe.events.list({
      types: ['refund.updated', 'refund.failed', 'charge.refund.updated'],
    });
    expect(events.data.map((event) => event.type).sort()).toEqual([
      'charge.refund.updated',
      'refund.failed',
      'refund.updated',
    ]);
    const updated = events.data.find((event) => event.type === 'refund.updated');
    expect(updated?.data.previous_attributes).toMatchObject({ status: 'succeeded' });
    expect(updated?.request).toEqual({ id: null, idempotency_key: null });
  });
});
