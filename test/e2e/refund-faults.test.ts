import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalStack } from '../../local/src/local-stack.ts';
import { type ConnectedClinic, connectedClinic, type Json } from '../support/clinic-api.ts';
import { newTestAccountKeys, simCall } from '../support/stripe-sim-client.ts';
import { eventually, startTestStack } from '../support/test-stack.ts';

/**
 * Issue 11, part A: refunds under real-world faults, through HTTP against the local stack and the simulator. Each
 * test is one example of a kind: a keyless request deduplicated by its operation, Stripe's refusal as final, an
 * unknown outcome as 202 pending, an Idempotency-Key of any allowed length.
 */
let stack: LocalStack;
let bookings = 0;

beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(() => stack?.stop());

async function newClinic(): Promise<ConnectedClinic> {
  const clinic = await connectedClinic(stack, `clinic_rf_${Math.random().toString(36).slice(2, 8)}`);
  const priced = await clinic.api('PUT', `${clinic.base}/services/svc_rf/pricing`, clinic.tokens.admin, {
    requirePaymentAtBooking: true,
    amount: 5000,
    currency: 'usd',
  });
  expect(priced.status).toBe(200);
  return clinic;
}

function payment(clinic: ConnectedClinic, paymentId: string) {
  return clinic.api('GET', `${clinic.base}/payments/${paymentId}`, clinic.tokens.staff);
}

function until(clinic: ConnectedClinic, paymentId: string, check: (p: Json) => boolean) {
  return eventually(async () => {
    const current = (await payment(clinic, paymentId)).body;
    return check(current) ? current : undefined;
  });
}

/** A booking of 5000 paid with pm_card_visa, succeeded and recorded. */
async function paidBooking(clinic: ConnectedClinic): Promise<string> {
  const created = await clinic.api(
    'POST',
    `${clinic.base}/bookings/bk_rf_${++bookings}/payment`,
    clinic.tokens.staff,
    { mode: 'test', serviceId: 'svc_rf', clientId: 'cl_rf' },
  );
  expect(created.status).toBe(201);
  await clinic.stripe.paymentIntents.confirm(
    created.body.paymentId,
    {
      client_secret: created.body.clientSecret,
      payment_method: 'pm_card_visa',
      return_url: 'https://basis.example/r',
    } as never,
    { apiKey: clinic.keys.publishableKey },
  );
  await until(clinic, created.body.paymentId, (p) => p.status === 'succeeded');
  return created.body.paymentId;
}

function refund(
  clinic: ConnectedClinic,
  paymentId: string,
  body: Json,
  headers: Record<string, string> = {},
) {
  return clinic.api(
    'POST',
    `${clinic.base}/payments/${paymentId}/refunds`,
    clinic.tokens.staff,
    body,
    headers,
  );
}

async function stripeRefundsOf(
  clinic: ConnectedClinic,
  paymentId: string,
  secretKey = clinic.keys.secretKey,
) {
  return (await clinic.stripe.refunds.list({ payment_intent: paymentId, limit: 100 }, { apiKey: secretKey }))
    .data;
}

describe('a refund request without an Idempotency-Key is deduplicated by its operation', () => {
  it('refunds 2000, then "the rest" moments later: a new refund of 3000, the payment ends full', async () => {
    const clinic = await newClinic();
    const paymentId = await paidBooking(clinic);
    const part = await refund(clinic, paymentId, { amount: 2000 });
    expect(part).toMatchObject({
      status: 202,
      body: { amount: 2000, refundId: expect.stringMatching(/^re_/) },
    });
    const rest = await refund(clinic, paymentId, {});
    expect(rest).toMatchObject({
      status: 202,
      body: { amount: 3000, refundId: expect.stringMatching(/^re_/) },
    });
    expect(rest.body.refundId).not.toBe(part.body.refundId);
    const final = await until(clinic, paymentId, (p) => p.amountRefunded === 5000);
    expect(final).toMatchObject({ refundStatus: 'full', amountRefunded: 5000 });
    expect((await stripeRefundsOf(clinic, paymentId)).map((r) => r.amount).sort()).toEqual([2000, 3000]);
  });

  it('two clicks of the same "refund all" make one refund', async () => {
    const clinic = await newClinic();
    const paymentId = await paidBooking(clinic);
    const first = await refund(clinic, paymentId, {});
    const second = await refund(clinic, paymentId, {});
    expect(first).toMatchObject({ status: 202, body: { amount: 5000 } });
    expect(second).toMatchObject({ status: 202, body: { amount: 5000, refundId: first.body.refundId } });
    expect(await stripeRefundsOf(clinic, paymentId)).toHaveLength(1);
  });
});

describe('Stripe refusing a refund is final: failed, refundable again, never a 500', () => {
  it('with a revoked key: 409 stripe_key_rejected, the refund failed; after the key is restored a retry makes exactly one refund', async () => {
    const clinic = await newClinic();
    const paymentId = await paidBooking(clinic);
    await simCall('POST', '/_sim/keys/revoke', clinic.keys.secretKey);
    const refused = await refund(clinic, paymentId, { amount: 2000 });
    expect(refused).toMatchObject({ status: 409, body: { error: { code: 'stripe_key_rejected' } } });
    const afterRefusal = (await payment(clinic, paymentId)).body;
    expect(afterRefusal).toMatchObject({ amountRefunded: 0, refundStatus: 'none' });
    expect(afterRefusal.refunds).toEqual([expect.objectContaining({ amount: 2000, status: 'failed' })]);

    await simCall('POST', '/_sim/keys/restore', clinic.keys.secretKey);
    const retried = await refund(clinic, paymentId, { amount: 2000 });
    expect(retried).toMatchObject({ status: 202, body: { amount: 2000, status: 'succeeded' } });
    // The refund is 3000-refundable still: the failed one holds nothing.
    expect(await refund(clinic, paymentId, { amount: 3000 })).toMatchObject({ status: 202 });
    expect((await stripeRefundsOf(clinic, paymentId)).map((r) => r.amount).sort()).toEqual([2000, 3000]);
  });

  it('with a same Idempotency-Key after a refusal: the same refusal again, and nothing refunded', async () => {
    const clinic = await newClinic();
    const paymentId = await paidBooking(clinic);
    await simCall('POST', '/_sim/keys/revoke', clinic.keys.secretKey);
    const headers = { 'idempotency-key': 'refund-after-revoke' };
    expect(await refund(clinic, paymentId, { amount: 1000 }, headers)).toMatchObject({
      status: 409,
      body: { error: { code: 'stripe_key_rejected' } },
    });
    await simCall('POST', '/_sim/keys/restore', clinic.keys.secretKey);
    expect(await refund(clinic, paymentId, { amount: 1000 }, headers)).toMatchObject({
      status: 409,
      body: { error: { code: 'stripe_key_rejected' } },
    });
    expect(await stripeRefundsOf(clinic, paymentId)).toHaveLength(0);
  });

  it('after a re-connect to another account: 409 stripe_object_missing saying why, the refund failed, nothing pending', async () => {
    const clinic = await newClinic();
    const paymentId = await paidBooking(clinic);
    const other = newTestAccountKeys();
    const reconnected = await clinic.api('PUT', `${clinic.base}/stripe/test`, clinic.tokens.admin, {
      publishableKey: other.publishableKey,
      secretKey: other.secretKey,
    });
    expect(reconnected.status).toBe(200);
    const refused = await refund(clinic, paymentId, { amount: 2000 });
    expect(refused).toMatchObject({ status: 409, body: { error: { code: 'stripe_object_missing' } } });
    expect(refused.body.error.message).toMatch(/account/);
    const after = (await payment(clinic, paymentId)).body;
    expect(after.refunds).toEqual([expect.objectContaining({ amount: 2000, status: 'failed' })]);
    expect(after.amountRefunded).toBe(0);
    expect(await stripeRefundsOf(clinic, paymentId)).toHaveLength(0);
  });
});

describe('an unknown outcome answers 202 pending and completes once', () => {
  it('Stripe makes the refund but every answer is lost: 202 pending, then the refund.created event completes it; one refund', async () => {
    const clinic = await newClinic();
    const paymentId = await paidBooking(clinic);
    // Both attempts of the refunds API (one retry) lose their answer; Stripe made the refund on the first.
    await simCall('POST', '/_sim/faults', clinic.keys.secretKey, { path: '/v1/refunds', count: '2' });
    const answer = await refund(clinic, paymentId, { amount: 1500 });
    expect(answer).toMatchObject({ status: 202, body: { refundId: null, status: 'pending', amount: 1500 } });
    await simCall('DELETE', '/_sim/faults', clinic.keys.secretKey);
    const completed = await until(clinic, paymentId, (p) => p.refunds?.[0]?.status === 'succeeded');
    expect(completed.refunds).toEqual([
      expect.objectContaining({ refundId: expect.stringMatching(/^re_/), amount: 1500, status: 'succeeded' }),
    ]);
    expect(completed.amountRefunded).toBe(1500);
    expect(await stripeRefundsOf(clinic, paymentId)).toHaveLength(1);
  });
});

describe('an Idempotency-Key of 200 characters (the most the API allows)', () => {
  const longKey = 'k'.repeat(200);

  it('refunds: 202, and the same key again answers the same refund', async () => {
    const clinic = await newClinic();
    const paymentId = await paidBooking(clinic);
    const first = await refund(clinic, paymentId, { amount: 1000 }, { 'idempotency-key': longKey });
    expect(first).toMatchObject({
      status: 202,
      body: { amount: 1000, refundId: expect.stringMatching(/^re_/) },
    });
    const again = await refund(clinic, paymentId, { amount: 1000 }, { 'idempotency-key': longKey });
    expect(again.body.refundId).toBe(first.body.refundId);
    expect(await stripeRefundsOf(clinic, paymentId)).toHaveLength(1);
  });

  it('sets up a card: 201', async () => {
    const clinic = await newClinic();
    const setup = await clinic.api(
      'POST',
      `${clinic.base}/clients/cl_long/payment-methods/setup`,
      await clinic.tokens.client('cl_long'),
      { mode: 'test' },
      { 'idempotency-key': longKey },
    );
    expect(setup).toMatchObject({ status: 201, body: { setupIntentId: expect.stringMatching(/^seti_/) } });
  });
});
