import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileSecretStore } from '../../local/src/file-secret-store.ts';
import type { LocalStack } from '../../local/src/local-stack.ts';
import { type ConnectedClinic, connectedClinic } from '../support/clinic-api.ts';
import { newTestAccountKeys } from '../support/stripe-sim-client.ts';
import { eventually, startTestStack } from '../support/test-stack.ts';

/**
 * Issue 11, part A, item 5: customers and cards belong to the Stripe account they were made on, and a customer
 * Stripe no longer knows is forgotten and made again, instead of failing the client for good.
 */
let stack: LocalStack;
const dataDir = mkdtempSync(join(tmpdir(), 'basis-stale-'));

beforeAll(async () => {
  stack = await startTestStack({ dataDir });
});
afterAll(() => stack?.stop());

async function pricedClinic(): Promise<ConnectedClinic> {
  const clinic = await connectedClinic(stack, `clinic_stale_${Math.random().toString(36).slice(2, 8)}`);
  await clinic.api('PUT', `${clinic.base}/services/svc_s/pricing`, clinic.tokens.admin, {
    requirePaymentAtBooking: true,
    amount: 4200,
    currency: 'eur',
  });
  return clinic;
}

/** Books and pays with pm_card_visa, saving the card for the client; waits until the card is listed. */
async function payAndSaveCard(clinic: ConnectedClinic, clientId: string, bookingId: string) {
  const token = await clinic.tokens.client(clientId);
  const booked = await clinic.api('POST', `${clinic.base}/bookings/${bookingId}/payment`, token, {
    mode: 'test',
    serviceId: 'svc_s',
    clientId,
    savePaymentMethod: true,
  });
  expect(booked.status).toBe(201);
  await clinic.stripe.paymentIntents.confirm(
    booked.body.paymentId,
    {
      client_secret: booked.body.clientSecret,
      payment_method: 'pm_card_visa',
      return_url: 'https://basis.example/s',
    } as never,
    { apiKey: clinic.keys.publishableKey },
  );
  return eventually(async () => {
    const listed = await clinic.api(
      'GET',
      `${clinic.base}/clients/${clientId}/payment-methods?mode=test`,
      token,
    );
    return listed.body.data?.length ? listed.body.data : undefined;
  });
}

describe('a mode re-connected to another Stripe account', () => {
  it('lists none of the old account’s cards, and a booking makes a customer on the new account', async () => {
    const clinic = await pricedClinic();
    const token = await clinic.tokens.client('cl_ret');
    expect(await payAndSaveCard(clinic, 'cl_ret', 'bk_s_1')).toHaveLength(1);

    const accountB = newTestAccountKeys();
    const reconnected = await clinic.api('PUT', `${clinic.base}/stripe/test`, clinic.tokens.admin, {
      publishableKey: accountB.publishableKey,
      secretKey: accountB.secretKey,
    });
    expect(reconnected.status).toBe(200);

    const cards = await clinic.api('GET', `${clinic.base}/clients/cl_ret/payment-methods?mode=test`, token);
    expect(cards).toMatchObject({ status: 200, body: { data: [] } });

    const booked = await clinic.api('POST', `${clinic.base}/bookings/bk_s_2/payment`, token, {
      mode: 'test',
      serviceId: 'svc_s',
      clientId: 'cl_ret',
    });
    expect(booked).toMatchObject({ status: 201, body: { publishableKey: accountB.publishableKey } });
    const onB = await clinic.stripe.paymentIntents.retrieve(
      booked.body.paymentId,
      {},
      { apiKey: accountB.secretKey },
    );
    const customerOnB = await clinic.stripe.customers.retrieve(
      onB.customer as string,
      {},
      { apiKey: accountB.secretKey },
    );
    expect(customerOnB).toMatchObject({ id: onB.customer, metadata: { client_id: 'cl_ret' } });
    expect('deleted' in customerOnB && customerOnB.deleted).toBeFalsy();
  });
});

describe('a customer deleted in the Stripe Dashboard', () => {
  it('drops the stale reference: cards list empty, and card setup and booking make a new customer', async () => {
    const clinic = await pricedClinic();
    const token = await clinic.tokens.client('cl_del');
    const [card] = await payAndSaveCard(clinic, 'cl_del', 'bk_s_3');
    const saved = await clinic.stripe.paymentMethods.retrieve(card.id, {}, { apiKey: clinic.keys.secretKey });
    const oldCustomer = saved.customer as string;
    await clinic.stripe.customers.del(oldCustomer, {}, { apiKey: clinic.keys.secretKey });

    const setup = await clinic.api('POST', `${clinic.base}/clients/cl_del/payment-methods/setup`, token, {
      mode: 'test',
    });
    expect(setup).toMatchObject({ status: 201, body: { customerId: expect.stringMatching(/^cus_/) } });
    expect(setup.body.customerId).not.toBe(oldCustomer);
    expect(
      (await clinic.api('GET', `${clinic.base}/clients/cl_del/payment-methods?mode=test`, token)).body,
    ).toEqual({ data: [] });
    const booked = await clinic.api('POST', `${clinic.base}/bookings/bk_s_4/payment`, token, {
      mode: 'test',
      serviceId: 'svc_s',
      clientId: 'cl_del',
    });
    expect(booked.status).toBe(201);
    const intent = await clinic.stripe.paymentIntents.retrieve(
      booked.body.paymentId,
      {},
      { apiKey: clinic.keys.secretKey },
    );
    expect(intent.customer).toBe(setup.body.customerId);
  });

  it('lists no cards once the customer is gone, and the next setup makes a new customer', async () => {
    const clinic = await pricedClinic();
    const token = await clinic.tokens.client('cl_gone');
    const [card] = await payAndSaveCard(clinic, 'cl_gone', 'bk_s_5');
    const intent = await clinic.stripe.paymentMethods.retrieve(
      card.id,
      {},
      { apiKey: clinic.keys.secretKey },
    );
    await clinic.stripe.customers.del(intent.customer as string, {}, { apiKey: clinic.keys.secretKey });
    expect(
      (await clinic.api('GET', `${clinic.base}/clients/cl_gone/payment-methods?mode=test`, token)).body,
    ).toEqual({ data: [] });
    const setup = await clinic.api('POST', `${clinic.base}/clients/cl_gone/payment-methods/setup`, token, {
      mode: 'test',
    });
    expect(setup.status).toBe(201);
    expect(setup.body.customerId).not.toBe(intent.customer);
  });
});

describe('a re-connect made through another container', () => {
  it('never makes a new PaymentIntent on the replaced account, though this container still caches its key', async () => {
    const clinic = await pricedClinic();
    const token = await clinic.tokens.client('cl_cache');
    const book = (bookingId: string) =>
      clinic.api('POST', `${clinic.base}/bookings/${bookingId}/payment`, token, {
        mode: 'test',
        serviceId: 'svc_s',
        clientId: 'cl_cache',
      });
    // This process's secret cache now holds account A (it keeps entries for a few seconds).
    expect((await book('bk_cache_1')).status).toBe(201);
    expect((await stack.secrets.get(clinic.clinicId))?.test?.secretKey).toBe(clinic.keys.secretKey);

    // Another container re-connects the mode to account B: the store changes, this process's cache does not.
    const accountB = newTestAccountKeys();
    const store = fileSecretStore(join(dataDir, 'secrets'));
    const current = await store.get(clinic.clinicId);
    if (!current?.test) throw new Error('The clinic is not connected.');
    await store.put({
      ...current,
      test: {
        ...current.test,
        secretKey: accountB.secretKey,
        publishableKey: accountB.publishableKey,
        accountId: null,
      },
    });
    expect((await stack.secrets.get(clinic.clinicId))?.test?.secretKey).toBe(clinic.keys.secretKey);

    const booked = await book('bk_cache_2');
    expect(booked).toMatchObject({ status: 201, body: { publishableKey: accountB.publishableKey } });
    const onB = await clinic.stripe.paymentIntents.retrieve(
      booked.body.paymentId,
      {},
      { apiKey: accountB.secretKey },
    );
    expect(onB.metadata.booking_id).toBe('bk_cache_2');
    const onA = await clinic.stripe.paymentIntents.list({ limit: 100 }, { apiKey: clinic.keys.secretKey });
    expect(onA.data.map((intent) => intent.metadata.booking_id)).toEqual(['bk_cache_1']);
  });
});
