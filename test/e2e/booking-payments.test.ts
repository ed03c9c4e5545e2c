import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalStack } from '../../local/src/local-stack.ts';
import { bookingIdempotencyKey } from '../../services/payments/src/use-cases/booking-payment.ts';
import { type ConnectedClinic, connectedClinic, type Json } from '../support/clinic-api.ts';
import { simCall } from '../support/stripe-sim-client.ts';
import { eventually, startTestStack } from '../support/test-stack.ts';

let stack: LocalStack;
let clinic: ConnectedClinic;
let clientToken: string;

beforeAll(async () => {
  stack = await startTestStack();
  clinic = await connectedClinic(stack, `clinic_pay_${Math.random().toString(36).slice(2, 8)}`);
  clientToken = await clinic.tokens.client('cl_1');
  const priced = await clinic.api('PUT', `${clinic.base}/services/svc_paid/pricing`, clinic.tokens.admin, {
    requirePaymentAtBooking: true,
    amount: 5000,
    currency: 'usd',
  });
  expect(priced.status).toBe(200);
});
afterAll(() => stack?.stop());

function book(bookingId: string, body: Json, token = clientToken) {
  return clinic.api('POST', `${clinic.base}/bookings/${bookingId}/payment`, token, body);
}

async function payment(paymentId: string): Promise<Json> {
  const response = await clinic.api('GET', `${clinic.base}/payments/${paymentId}`, clinic.tokens.staff);
  expect(response.status).toBe(200);
  return response.body;
}

function statusBecomes(paymentId: string, status: string) {
  return eventually(async () => {
    const current = await payment(paymentId);
    return current.status === status ? current : undefined;
  });
}

/** Confirms as Stripe.js does in the browser: the publishable key and the PaymentIntent's client secret. */
function confirmInBrowser(paymentId: string, clientSecret: string, paymentMethod?: string) {
  return clinic.stripe.paymentIntents.confirm(
    paymentId,
    {
      client_secret: clientSecret,
      ...(paymentMethod ? { payment_method: paymentMethod } : {}),
      return_url: 'https://basis.example/return',
    } as never,
    { apiKey: clinic.keys.publishableKey },
  );
}

describe('service pricing', () => {
  it('stores a price and answers it back', async () => {
    const jpy = await clinic.api('PUT', `${clinic.base}/services/svc_jpy/pricing`, clinic.tokens.admin, {
      requirePaymentAtBooking: true,
      amount: 5000,
      currency: 'jpy',
    });
    expect(jpy).toEqual({
      status: 200,
      body: { requirePaymentAtBooking: true, amount: 5000, currency: 'jpy' },
    });
    const read = await clinic.api('GET', `${clinic.base}/services/svc_jpy/pricing`, clinic.tokens.staff);
    expect(read.body).toEqual(jpy.body);
  });

  it.each([
    [{ requirePaymentAtBooking: true, amount: 0, currency: 'usd' }, 'amount'],
    [{ requirePaymentAtBooking: true, amount: 10.5, currency: 'usd' }, 'amount'],
    [{ requirePaymentAtBooking: true, amount: 49, currency: 'usd' }, 'amount'],
    [{ requirePaymentAtBooking: true, amount: 5000, currency: 'USD' }, 'currency'],
    [{ requirePaymentAtBooking: true, amount: 5000, currency: 'xxx' }, 'currency'],
    [{ amount: 5000, currency: 'usd' }, 'requirePaymentAtBooking'],
    [{ requirePaymentAtBooking: true, amount: 5000, currency: 'usd', title: 'Therapy' }, 'title'],
  ])('refuses %j naming %s, and stores nothing', async (body, field) => {
    const response = await clinic.api(
      'PUT',
      `${clinic.base}/services/svc_bad/pricing`,
      clinic.tokens.admin,
      body,
    );
    expect(response.status).toBe(400);
    expect(response.body.error).toMatchObject({ code: 'validation_failed', field });
    expect(
      (await clinic.api('GET', `${clinic.base}/services/svc_bad/pricing`, clinic.tokens.admin)).status,
    ).toBe(404);
  });

  it('lets only an admin set prices', async () => {
    const body = { requirePaymentAtBooking: false, amount: 100, currency: 'usd' };
    expect(
      (await clinic.api('PUT', `${clinic.base}/services/svc_x/pricing`, clinic.tokens.staff, body)).status,
    ).toBe(403);
  });
});

describe('payment at booking', () => {
  it('takes a payment with pm_card_visa: the booking call, the browser confirm, the webhook → succeeded', async () => {
    const created = await book('bk_visa', { mode: 'test', serviceId: 'svc_paid', clientId: 'cl_1' });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({
      paymentId: expect.stringMatching(/^pi_/),
      clientSecret: expect.stringContaining('_secret_'),
      publishableKey: clinic.keys.publishableKey,
      status: 'requires_payment_method',
      amount: 5000,
      currency: 'usd',
    });
    const again = await book('bk_visa', { mode: 'test', serviceId: 'svc_paid', clientId: 'cl_1' });
    expect(again.status).toBe(200);
    expect(again.body.paymentId).toBe(created.body.paymentId);

    await confirmInBrowser(created.body.paymentId, created.body.clientSecret, 'pm_card_visa');
    const paid = await statusBecomes(created.body.paymentId, 'succeeded');
    expect(paid).toMatchObject({
      bookingId: 'bk_visa',
      serviceId: 'svc_paid',
      clientId: 'cl_1',
      amount: 5000,
      currency: 'usd',
      chargeId: expect.stringMatching(/^ch_/),
      failure: null,
    });
    const intent = await clinic.stripe.paymentIntents.retrieve(
      created.body.paymentId,
      {},
      { apiKey: clinic.keys.secretKey },
    );
    expect(intent.metadata).toEqual({
      clinic_id: clinic.clinicId,
      booking_id: 'bk_visa',
      service_id: 'svc_paid',
      client_id: 'cl_1',
    });
  });

  it('ends failed with the decline code for pm_card_chargeDeclined', async () => {
    const created = await book('bk_declined', { mode: 'test', serviceId: 'svc_paid', clientId: 'cl_1' });
    await expect(
      confirmInBrowser(created.body.paymentId, created.body.clientSecret, 'pm_card_chargeDeclined'),
    ).rejects.toMatchObject({
      type: 'StripeCardError',
    });
    const failed = await statusBecomes(created.body.paymentId, 'failed');
    expect(failed.failure).toEqual({ code: 'generic_decline', message: expect.any(String) });
  });

  it('shows requires_action for pm_card_authenticationRequired until the customer passes 3-D Secure', async () => {
    const created = await book('bk_3ds', { mode: 'test', serviceId: 'svc_paid', clientId: 'cl_1' });
    await confirmInBrowser(
      created.body.paymentId,
      created.body.clientSecret,
      'pm_card_authenticationRequired',
    );
    await statusBecomes(created.body.paymentId, 'requires_action');
    await simCall('POST', `/_sim/payment_intents/${created.body.paymentId}/3ds`, clinic.keys.secretKey, {
      outcome: 'pass',
    });
    await statusBecomes(created.body.paymentId, 'succeeded');
  });

  it('makes one PaymentIntent for a double-clicked booking (the simulator’s request log proves it)', async () => {
    const body = { mode: 'test', serviceId: 'svc_paid', clientId: 'cl_1' };
    const [first, second] = await Promise.all([book('bk_double', body), book('bk_double', body)]);
    expect([first.status, second.status].sort()).toEqual([200, 201]);
    expect(first.body.paymentId).toBe(second.body.paymentId);
    const log = (
      await simCall('GET', '/_sim/requests', clinic.keys.secretKey, {
        method: 'POST',
        path: '/v1/payment_intents',
      })
    ).data as Array<{ idempotency_key: string; idempotent_replayed: boolean; status: number }>;
    const key = bookingIdempotencyKey(clinic.clinicId, 'test', 'bk_double', null);
    const forBooking = log.filter((entry) => entry.idempotency_key === key);
    expect(forBooking.filter((entry) => !entry.idempotent_replayed && entry.status === 200)).toHaveLength(1);
  });

  it('answers 409 when the service needs no payment, or the mode is not connected; 403 for another client', async () => {
    await clinic.api('PUT', `${clinic.base}/services/svc_free/pricing`, clinic.tokens.admin, {
      requirePaymentAtBooking: false,
      amount: 5000,
      currency: 'usd',
    });
    const free = await book('bk_free', { mode: 'test', serviceId: 'svc_free', clientId: 'cl_1' });
    expect(free).toMatchObject({ status: 409, body: { error: { code: 'payment_not_required' } } });
    const unpriced = await book('bk_unpriced', { mode: 'test', serviceId: 'svc_unknown', clientId: 'cl_1' });
    expect(unpriced).toMatchObject({ status: 409, body: { error: { code: 'payment_not_required' } } });
    const live = await book('bk_live', { mode: 'live', serviceId: 'svc_paid', clientId: 'cl_1' });
    expect(live).toMatchObject({ status: 409, body: { error: { code: 'stripe_not_connected' } } });
    const other = await book('bk_other', { mode: 'test', serviceId: 'svc_paid', clientId: 'cl_2' });
    expect(other.status).toBe(403);
    const card = await book('bk_card', {
      mode: 'test',
      serviceId: 'svc_paid',
      clientId: 'cl_1',
      cardNumber: '4242424242424242',
    });
    expect(card.body.error).toMatchObject({ code: 'validation_failed', field: 'cardNumber' });
  });
});

describe('saved cards', () => {
  it('saves a card through a SetupIntent, lists it, pays with it, and removes it', async () => {
    const setup = await clinic.api(
      'POST',
      `${clinic.base}/clients/cl_9/payment-methods/setup`,
      await clinic.tokens.client('cl_9'),
      {
        mode: 'test',
      },
    );
    expect(setup.status).toBe(201);
    expect(setup.body).toEqual({
      setupIntentId: expect.stringMatching(/^seti_/),
      clientSecret: expect.stringContaining('_secret_'),
      customerId: expect.stringMatching(/^cus_/),
      publishableKey: clinic.keys.publishableKey,
    });
    await clinic.stripe.setupIntents.confirm(
      setup.body.setupIntentId,
      {
        client_secret: setup.body.clientSecret,
        payment_method: 'pm_card_visa',
        return_url: 'https://basis.example/return',
      } as never,
      { apiKey: clinic.keys.publishableKey },
    );
    const token = await clinic.tokens.client('cl_9');
    const listed = await eventually(async () => {
      const response = await clinic.api(
        'GET',
        `${clinic.base}/clients/cl_9/payment-methods?mode=test`,
        token,
      );
      return response.body.data?.length ? response.body.data : undefined;
    });
    expect(listed).toEqual([
      {
        id: expect.stringMatching(/^pm_/),
        brand: 'visa',
        last4: '4242',
        expMonth: expect.any(Number),
        expYear: expect.any(Number),
        isDefault: true,
      },
    ]);
    const cardId = listed[0].id as string;

    // Pay with the saved card; the customer is the same, so Stripe accepts it.
    const created = await book(
      'bk_saved',
      { mode: 'test', serviceId: 'svc_paid', clientId: 'cl_9', paymentMethodId: cardId },
      token,
    );
    expect(created.status).toBe(201);
    await confirmInBrowser(created.body.paymentId, created.body.clientSecret);
    await statusBecomes(created.body.paymentId, 'succeeded');

    // Another client's card is refused.
    const stolen = await book('bk_stolen', {
      mode: 'test',
      serviceId: 'svc_paid',
      clientId: 'cl_1',
      paymentMethodId: cardId,
    });
    expect(stolen).toMatchObject({ status: 422, body: { error: { code: 'payment_method_not_owned' } } });

    expect(
      (await clinic.api('DELETE', `${clinic.base}/clients/cl_9/payment-methods/${cardId}?mode=test`, token))
        .status,
    ).toBe(204);
    expect(
      (await clinic.api('GET', `${clinic.base}/clients/cl_9/payment-methods?mode=test`, token)).body,
    ).toEqual({ data: [] });
    expect(
      (await clinic.api('DELETE', `${clinic.base}/clients/cl_9/payment-methods/${cardId}?mode=test`, token))
        .status,
    ).toBe(404);
    // The detach webhook arrives after: it changes nothing.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(
      (await clinic.api('GET', `${clinic.base}/clients/cl_9/payment-methods?mode=test`, token)).body,
    ).toEqual({ data: [] });
  });

  it('creates one Stripe customer for two concurrent first requests', async () => {
    const token = await clinic.tokens.client('cl_race');
    const body = { mode: 'test' };
    const [a, b] = await Promise.all([
      clinic.api('POST', `${clinic.base}/clients/cl_race/payment-methods/setup`, token, body),
      clinic.api('POST', `${clinic.base}/clients/cl_race/payment-methods/setup`, token, body),
    ]);
    expect(a.body.customerId).toBe(b.body.customerId);
    const customers = await clinic.stripe.customers.list({ limit: 100 }, { apiKey: clinic.keys.secretKey });
    expect(customers.data.filter((customer) => customer.metadata.client_id === 'cl_race')).toHaveLength(1);
  });
});

describe('listing payments and the event ledger', () => {
  it('lists newest first with an opaque cursor, filters by status, and shows a client only their own', async () => {
    const all = await clinic.api('GET', `${clinic.base}/payments?mode=test&limit=100`, clinic.tokens.staff);
    expect(all.status).toBe(200);
    const created = (all.body.data as Json[]).map((p) => p.createdAt as string);
    expect(created).toEqual([...created].sort().reverse());
    expect(all.body.data.length).toBeGreaterThanOrEqual(4);

    const pages: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { body: Json } = await clinic.api(
        'GET',
        `${clinic.base}/payments?mode=test&limit=2${cursor ? `&cursor=${cursor}` : ''}`,
        clinic.tokens.staff,
      );
      pages.push(...(page.body.data as Json[]).map((p) => p.paymentId as string));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(pages).toEqual((all.body.data as Json[]).map((p) => p.paymentId));

    const failed = await clinic.api(
      'GET',
      `${clinic.base}/payments?mode=test&status=failed`,
      clinic.tokens.staff,
    );
    expect((failed.body.data as Json[]).every((p) => p.status === 'failed')).toBe(true);
    expect(failed.body.data.length).toBeGreaterThanOrEqual(1);

    const own = await clinic.api(
      'GET',
      `${clinic.base}/payments?mode=test&limit=100`,
      await clinic.tokens.client('cl_9'),
    );
    expect((own.body.data as Json[]).map((p) => p.clientId)).toEqual(['cl_9']);

    const bad = await clinic.api('GET', `${clinic.base}/payments?mode=sandbox`, clinic.tokens.staff);
    expect(bad.body.error).toMatchObject({ code: 'validation_failed', field: 'mode' });
    const badCursor = await clinic.api(
      'GET',
      `${clinic.base}/payments?mode=test&cursor=abc`,
      clinic.tokens.staff,
    );
    expect(badCursor.body.error).toMatchObject({ code: 'validation_failed', field: 'cursor' });
  });

  it('records every event with its outcome, for support', async () => {
    const created = await book('bk_ledger', { mode: 'test', serviceId: 'svc_paid', clientId: 'cl_1' });
    await confirmInBrowser(created.body.paymentId, created.body.clientSecret, 'pm_card_visa');
    await statusBecomes(created.body.paymentId, 'succeeded');
    const ledger = await eventually(async () => {
      const response = await clinic.api(
        'GET',
        `${clinic.base}/events?mode=test&paymentId=${created.body.paymentId}`,
        clinic.tokens.admin,
      );
      const types = (response.body.data as Json[]).map((entry) => entry.type);
      return types.includes('payment_intent.succeeded') && types.includes('charge.succeeded')
        ? response.body.data
        : undefined;
    });
    const succeeded = (ledger as Json[]).find((entry) => entry.type === 'payment_intent.succeeded');
    expect(succeeded).toMatchObject({
      eventId: expect.stringMatching(/^evt_/),
      mode: 'test',
      outcome: 'applied',
      reason: null,
      objectId: created.body.paymentId,
    });
    const onlySucceeded = await clinic.api(
      'GET',
      `${clinic.base}/events?mode=test&paymentId=${created.body.paymentId}&type=payment_intent.succeeded`,
      clinic.tokens.admin,
    );
    expect((onlySucceeded.body.data as Json[]).map((entry) => entry.eventId)).toEqual([succeeded?.eventId]);
    // The clinic-wide form lists only events that failed at least once: this one applied at once.
    const failedOnes = await clinic.api(
      'GET',
      `${clinic.base}/events?mode=test&limit=100`,
      clinic.tokens.admin,
    );
    expect(failedOnes.status).toBe(200);
    expect((failedOnes.body.data as Json[]).map((entry) => entry.eventId)).not.toContain(succeeded?.eventId);
    expect((await clinic.api('GET', `${clinic.base}/events?mode=test`, clinic.tokens.staff)).status).toBe(
      403,
    );
  });

  it('ends in the same state when the simulator duplicates and shuffles every delivery', async () => {
    await simCall('POST', '/_sim/chaos', clinic.keys.secretKey, {
      duplicate: '3',
      shuffle_window_ms: '300',
      seed: '7',
    });
    try {
      const visa = await book('bk_chaos_1', { mode: 'test', serviceId: 'svc_paid', clientId: 'cl_1' });
      const declined = await book('bk_chaos_2', { mode: 'test', serviceId: 'svc_paid', clientId: 'cl_1' });
      await confirmInBrowser(visa.body.paymentId, visa.body.clientSecret, 'pm_card_visa');
      await confirmInBrowser(
        declined.body.paymentId,
        declined.body.clientSecret,
        'pm_card_chargeDeclined',
      ).catch(() => undefined);
      await confirmInBrowser(declined.body.paymentId, declined.body.clientSecret, 'pm_card_visa');
      await statusBecomes(visa.body.paymentId, 'succeeded');
      const recovered = await statusBecomes(declined.body.paymentId, 'succeeded');
      expect(recovered.failure).toBeNull();
      const ledger = await eventually(async () => {
        const response = await clinic.api(
          'GET',
          `${clinic.base}/events?mode=test&paymentId=${visa.body.paymentId}&type=payment_intent.succeeded`,
          clinic.tokens.admin,
        );
        const entry = (response.body.data as Json[])[0];
        return entry && entry.deliveries >= 3 ? entry : undefined;
      });
      expect(ledger.outcome).toBe('applied');
    } finally {
      await simCall('DELETE', '/_sim/chaos', clinic.keys.secretKey);
    }
  });

  it('checks every id in the path before using it', async () => {
    const cases: Array<[string, string]> = [
      [`${clinic.base}/payments/not_a_payment`, 'paymentId'],
      [`${clinic.base}/payouts/po_1%23ITEM%23txn_1`, 'payoutId'],
      [`${clinic.base}/services/${'s'.repeat(65)}/pricing`, 'serviceId'],
      [`${clinic.base}/clients/cl%20x/payment-methods?mode=test`, 'clientId'],
    ];
    for (const [path, field] of cases) {
      const response = await clinic.api('GET', path, clinic.tokens.admin);
      expect(response.status).toBe(400);
      expect(response.body.error).toMatchObject({ code: 'validation_failed', field });
    }
    const longBooking = await book('b'.repeat(65), { mode: 'test', serviceId: 'svc_paid', clientId: 'cl_1' });
    expect(longBooking.body.error).toMatchObject({ code: 'validation_failed', field: 'bookingId' });
  });

  it('never scans DynamoDB: the local stack refuses Scan outright', async () => {
    await expect(stack.dynamo.send(new ScanCommand({ TableName: stack.tableName }))).rejects.toThrow(
      /Scan is not allowed/,
    );
  });
});
