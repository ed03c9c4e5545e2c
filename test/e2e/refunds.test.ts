import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalStack } from '../../local/src/local-stack.ts';
import { type ConnectedClinic, connectedClinic, type Json } from '../support/clinic-api.ts';
import { simCall } from '../support/stripe-sim-client.ts';
import { eventually, startTestStack } from '../support/test-stack.ts';

let stack: LocalStack;
let clinic: ConnectedClinic;
let bookings = 0;

beforeAll(async () => {
  stack = await startTestStack();
  clinic = await connectedClinic(stack, `clinic_refund_${Math.random().toString(36).slice(2, 8)}`);
  await clinic.api('PUT', `${clinic.base}/services/svc_r/pricing`, clinic.tokens.admin, {
    requirePaymentAtBooking: true,
    amount: 10_000,
    currency: 'usd',
  });
});
afterAll(() => stack?.stop());

async function payment(paymentId: string): Promise<Json> {
  return (await clinic.api('GET', `${clinic.base}/payments/${paymentId}`, clinic.tokens.staff)).body;
}

function until(paymentId: string, check: (p: Json) => boolean) {
  return eventually(async () => {
    const current = await payment(paymentId);
    return check(current) ? current : undefined;
  });
}

/** A booking paid with the given test card, succeeded and recorded. */
async function paidBooking(card = 'pm_card_visa'): Promise<string> {
  const bookingId = `bk_r_${++bookings}`;
  const created = await clinic.api(
    'POST',
    `${clinic.base}/bookings/${bookingId}/payment`,
    clinic.tokens.staff,
    {
      mode: 'test',
      serviceId: 'svc_r',
      clientId: 'cl_r',
    },
  );
  await clinic.stripe.paymentIntents.confirm(
    created.body.paymentId,
    {
      client_secret: created.body.clientSecret,
      payment_method: card,
      return_url: 'https://basis.example/r',
    } as never,
    { apiKey: clinic.keys.publishableKey },
  );
  await until(created.body.paymentId, (p) => p.status === 'succeeded');
  return created.body.paymentId;
}

function refund(
  paymentId: string,
  body: Json,
  headers: Record<string, string> = {},
  token = clinic.tokens.staff,
) {
  return clinic.api('POST', `${clinic.base}/payments/${paymentId}/refunds`, token, body, headers);
}

async function stripeRefundsOf(paymentId: string) {
  return (
    await clinic.stripe.refunds.list(
      { payment_intent: paymentId, limit: 100 },
      { apiKey: clinic.keys.secretKey },
    )
  ).data;
}

describe('refunds through HTTP against the simulator', () => {
  it('refunds part, then the rest: the payment ends fully refunded', async () => {
    const paymentId = await paidBooking();
    const part = await refund(paymentId, { amount: 3000, reason: 'requested_by_customer' });
    expect(part).toEqual({
      status: 202,
      body: {
        refundId: expect.stringMatching(/^re_/),
        status: 'succeeded',
        amount: 3000,
        reason: 'requested_by_customer',
      },
    });
    const partial = await until(paymentId, (p) => p.amountRefunded === 3000);
    expect(partial.refundStatus).toBe('partial');
    const rest = await refund(paymentId, {});
    expect(rest.body).toMatchObject({ status: 'succeeded', amount: 7000 });
    const full = await until(paymentId, (p) => p.refundStatus === 'full');
    expect(full.amountRefunded).toBe(10_000);
    expect(full.refunds).toEqual([
      expect.objectContaining({ refundId: part.body.refundId, amount: 3000, status: 'succeeded' }),
      expect.objectContaining({ refundId: rest.body.refundId, amount: 7000, status: 'succeeded' }),
    ]);
  });

  it('refuses an over-refund with 422 and sends nothing to Stripe', async () => {
    const paymentId = await paidBooking();
    const before = (
      await simCall('GET', '/_sim/requests', clinic.keys.secretKey, { method: 'POST', path: '/v1/refunds' })
    ).data as unknown[];
    const over = await refund(paymentId, { amount: 10_001 });
    expect(over.status).toBe(422);
    expect(over.body.error).toMatchObject({ code: 'refund_exceeds_remaining', remaining: 10_000 });
    const after = (
      await simCall('GET', '/_sim/requests', clinic.keys.secretKey, { method: 'POST', path: '/v1/refunds' })
    ).data as unknown[];
    expect(after.length).toBe(before.length);
    expect((await payment(paymentId)).refunds).toEqual([]);
    const bad = await refund(paymentId, { amount: 100, reason: 'changed_mind' });
    expect(bad.body.error).toMatchObject({ code: 'validation_failed', field: 'reason' });
  });

  it('answers 409 for a payment that has not succeeded, 404 for an unknown one, 403 for a client', async () => {
    const created = await clinic.api(
      'POST',
      `${clinic.base}/bookings/bk_unpaid/payment`,
      clinic.tokens.staff,
      {
        mode: 'test',
        serviceId: 'svc_r',
        clientId: 'cl_r',
      },
    );
    expect((await refund(created.body.paymentId, {})).body.error.code).toBe('payment_not_refundable');
    expect((await refund('pi_unknown', {})).status).toBe(404);
    expect((await refund(created.body.paymentId, {}, {}, await clinic.tokens.client('cl_r'))).status).toBe(
      403,
    );
  });

  it('marks a refund that fails later (pm_card_refundFail) failed and gives the amount back', async () => {
    const paymentId = await paidBooking('pm_card_refundFail');
    const created = await refund(paymentId, { amount: 4000 });
    expect(created.status).toBe(202);
    const failed = await until(paymentId, (p) => p.refunds[0]?.status === 'failed');
    expect(failed.amountRefunded).toBe(0);
    expect(failed.refundStatus).toBe('none');
    expect(failed.refunds[0].failureReason).toEqual(expect.any(String));
    // The amount is refundable again.
    expect((await refund(paymentId, {})).body.amount).toBe(10_000);
  });

  it('records a refund made in the Stripe dashboard', async () => {
    const paymentId = await paidBooking();
    const dashboard = await clinic.stripe.refunds.create(
      { payment_intent: paymentId, amount: 2500 },
      { apiKey: clinic.keys.secretKey },
    );
    const seen = await until(paymentId, (p) => p.amountRefunded === 2500);
    expect(seen.refunds).toEqual([
      expect.objectContaining({ refundId: dashboard.id, amount: 2500, status: 'succeeded' }),
    ]);
    // It counts in what remains.
    expect((await refund(paymentId, { amount: 7501 })).status).toBe(422);
  });

  it('makes one refund for a double click, and returns the same refund for the same Idempotency-Key', async () => {
    const paymentId = await paidBooking();
    const [a, b] = await Promise.all([
      refund(paymentId, { amount: 1000 }),
      refund(paymentId, { amount: 1000 }),
    ]);
    expect(a.body.refundId).toBe(b.body.refundId);
    const keyed = await refund(paymentId, { amount: 500 }, { 'idempotency-key': 'req-42' });
    const again = await refund(paymentId, { amount: 500 }, { 'idempotency-key': 'req-42' });
    expect(again.body).toEqual(keyed.body);
    expect((await stripeRefundsOf(paymentId)).map((r) => r.amount).sort()).toEqual([1000, 500].sort());
  });

  it('lets exactly one of two concurrent refunds that together exceed the payment through', async () => {
    const paymentId = await paidBooking();
    const results = await Promise.all([
      refund(paymentId, { amount: 6000 }, { 'idempotency-key': 'race-a' }),
      refund(paymentId, { amount: 6000 }, { 'idempotency-key': 'race-b' }),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual([202, 422]);
    expect(await stripeRefundsOf(paymentId)).toHaveLength(1);
  });

  it('records disputes on the payment they concern', async () => {
    const paymentId = await paidBooking();
    const opened = await simCall('POST', '/_sim/disputes', clinic.keys.secretKey, {
      payment_intent: paymentId,
      reason: 'fraudulent',
    });
    const disputed = await until(paymentId, (p) => p.disputes?.length === 1);
    expect(disputed.disputes[0]).toMatchObject({
      disputeId: opened.id,
      amount: 10_000,
      status: 'needs_response',
      reason: 'fraudulent',
      evidenceDueBy: expect.any(String),
    });
    await simCall('POST', `/_sim/disputes/${opened.id as string}/close`, clinic.keys.secretKey, {
      outcome: 'lost',
    });
    await until(paymentId, (p) => p.disputes[0]?.status === 'lost');
  });

  it('ends in the same state when deliveries are duplicated and shuffled', async () => {
    await simCall('POST', '/_sim/chaos', clinic.keys.secretKey, {
      duplicate: '3',
      shuffle_window_ms: '300',
      seed: '11',
    });
    try {
      const paymentId = await paidBooking();
      await refund(paymentId, { amount: 2000 });
      await clinic.stripe.refunds.create(
        { payment_intent: paymentId, amount: 3000 },
        { apiKey: clinic.keys.secretKey },
      );
      const settled = await until(paymentId, (p) => p.amountRefunded === 5000 && p.refunds.length === 2);
      await new Promise((resolve) => setTimeout(resolve, 1500));
      expect(await payment(paymentId)).toEqual({ ...settled, updatedAt: expect.any(String) });
    } finally {
      await simCall('DELETE', '/_sim/chaos', clinic.keys.secretKey);
    }
  });

  it('completes a refund whose Stripe answer was never recorded, without a second refund', async () => {
    const paymentId = await paidBooking();
    // Play a crash: the refund is written pending and Stripe made it, but the answer was lost.
    const { dynamoPaymentStore } = await import(
      '../../services/payments/src/adapters/dynamo-payment-store.ts'
    );
    const store = dynamoPaymentStore(stack.doc, stack.tableName);
    const record = await store.get(clinic.clinicId, 'test', paymentId);
    if (!record) throw new Error('no record');
    const refundKey = 'rf_crashed';
    const idempotencyKey = `basis-refund-${clinic.clinicId}-${paymentId}-${refundKey}`;
    await store.write({
      clinicId: clinic.clinicId,
      mode: 'test',
      paymentId,
      payment: {
        record: { ...record, amountRefundPending: 1500, version: record.version + 1 },
        expectedVersion: record.version,
      },
      refunds: [
        {
          refundKey,
          refundId: null,
          amount: 1500,
          status: 'pending',
          reason: null,
          failureReason: null,
          idempotencyKey,
          requestedBy: 'staff',
          createdAt: new Date().toISOString(),
          statusRank: 0,
          statusCreated: Math.floor(Date.now() / 1000),
          version: 1,
        },
      ],
    });
    const made = await clinic.stripe.refunds.create(
      {
        payment_intent: paymentId,
        amount: 1500,
        metadata: {
          clinic_id: clinic.clinicId,
          booking_id: record.bookingId ?? '',
          refund_request_id: refundKey,
        },
      },
      { apiKey: clinic.keys.secretKey, idempotencyKey },
    );
    // The reconcile message (normally sent delayed by the API) completes it with the same key.
    const { SendMessageCommand } = await import('@aws-sdk/client-sqs');
    await stack.sqs.send(
      new SendMessageCommand({
        QueueUrl: stack.queues.refunds.url,
        MessageBody: JSON.stringify({
          kind: 'basis.refund_reconcile',
          clinicId: clinic.clinicId,
          mode: 'test',
          paymentId,
          refundKey,
        }),
      }),
    );
    const healed = await until(
      paymentId,
      (p) => p.refunds[0]?.refundId !== null && p.refunds[0]?.status === 'succeeded',
    );
    expect(healed.refunds).toEqual([expect.objectContaining({ refundId: made.id, amount: 1500 })]);
    expect(await stripeRefundsOf(paymentId)).toHaveLength(1);
  });
});
