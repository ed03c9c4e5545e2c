import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signDevToken } from '../../local/src/dev-jwt.ts';
import type { LocalStack } from '../../local/src/local-stack.ts';
import { type StripeSimulator, startStripeSimulator } from '../../stripe-sim/src/server.ts';
import { apiClient } from '../support/clinic-api.ts';
import { newTestAccountKeys } from '../support/stripe-sim-client.ts';
import { eventually, startTestStack } from '../support/test-stack.ts';

// A simulator of this file's own: moving its clock must not move the clock every other test file shares.
let sim: StripeSimulator;
let stack: LocalStack;

beforeAll(async () => {
  sim = await startStripeSimulator({ port: 0, webhookRetryDelaysMs: [] });
  stack = await startTestStack({ stripeApiUrl: sim.url, stripeNow: sim.now, sweepSettleSeconds: 0 });
});
afterAll(async () => {
  await stack?.stop();
  await sim?.close();
});

async function simPost(path: string, key: string | null, form: Record<string, string>) {
  const response = await fetch(`${sim.url}${path}`, {
    method: 'POST',
    headers: {
      ...(key ? { authorization: `Bearer ${key}` } : {}),
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: new URLSearchParams(form).toString(),
  });
  expect(response.ok).toBe(true);
}

type SweepResult = { connections: number; enqueued: number; failed: number };

describe('the missed-event sweep after the simulator clock moves ahead (npm start, README)', () => {
  it('asks Stripe by the simulator clock, so it heals events made a month ahead of the machine', async () => {
    const clinicId = `clinic_clock_${Math.random().toString(36).slice(2, 8)}`;
    const keys = newTestAccountKeys();
    const api = apiClient(stack.apiUrl);
    const admin = await signDevToken({ clinicId, role: 'clinic_admin' });
    const staff = await signDevToken({ clinicId, role: 'staff' });
    const connected = await api('PUT', `/v1/clinics/${clinicId}/stripe/test`, admin, {
      publishableKey: keys.publishableKey,
      secretKey: keys.secretKey,
    });
    expect(connected.status).toBe(200);
    await api('PUT', `/v1/clinics/${clinicId}/services/svc_c/pricing`, admin, {
      requirePaymentAtBooking: true,
      amount: 3100,
      currency: 'eur',
    });
    // A first sweep sets the connection's watermark by the clock as it is now.
    expect(((await stack.runScheduled('eventSweeper')) as SweepResult).failed).toBe(0);

    await simPost('/_sim/clock/advance', null, { seconds: String(32 * 86_400 + 3_600) });
    // Every delivery is lost from here on: only the sweep can bring the payment's events.
    await simPost('/_sim/chaos', keys.secretKey, { drop_rate: '1' });
    const created = await api('POST', `/v1/clinics/${clinicId}/bookings/bk_clock/payment`, staff, {
      mode: 'test',
      serviceId: 'svc_c',
      clientId: 'cl_c',
    });
    expect(created.status).toBe(201);
    const url = new URL(sim.url);
    const stripe = new Stripe(keys.publishableKey, {
      host: url.hostname,
      port: Number(url.port),
      protocol: 'http',
      maxNetworkRetries: 0,
    });
    await stripe.paymentIntents.confirm(created.body.paymentId, {
      client_secret: created.body.clientSecret,
      payment_method: 'pm_card_visa',
      return_url: 'https://basis.example/c',
    } as never);

    const swept = (await stack.runScheduled('eventSweeper')) as SweepResult;
    expect(swept.failed).toBe(0);
    expect(swept.enqueued).toBeGreaterThanOrEqual(2);
    const healed = await eventually(async () => {
      const response = await api('GET', `/v1/clinics/${clinicId}/payments/${created.body.paymentId}`, staff);
      return response.body.status === 'succeeded' ? response.body : undefined;
    });
    expect(healed.chargeId).toMatch(/^ch_/);
  });
});
