import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signDevToken } from '../../local/src/dev-jwt.ts';
import type { LocalStack } from '../../local/src/local-stack.ts';
import type { Json } from '../support/clinic-api.ts';
import { simStripe } from '../support/stripe-sim-client.ts';
import { eventually, startTestStack } from '../support/test-stack.ts';

let stack: LocalStack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(() => stack?.stop());

describe('live mode, beside test mode', () => {
  it('connects both modes apart, takes a live payment through the live webhook route, and keeps the modes apart', async () => {
    const clinicId = `clinic_live_${Math.random().toString(36).slice(2, 8)}`;
    const suffix = `${Date.now().toString(36)}live`;
    const admin = await signDevToken({ clinicId, role: 'clinic_admin' });
    const call = async (method: string, path: string, body?: unknown) => {
      const response = await fetch(`${stack.apiUrl}/v1/clinics/${clinicId}${path}`, {
        method,
        headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      return { status: response.status, body: (await response.json()) as Json };
    };
    const live = await call('PUT', '/stripe/live', {
      publishableKey: `pk_live_${suffix}`,
      secretKey: `sk_live_${suffix}`,
    });
    expect(live.status).toBe(200);
    expect(live.body.webhook.url).toBe(`${stack.apiUrl}/stripe_webhook/${clinicId}`);
    await call('PUT', '/services/svc_l/pricing', {
      requirePaymentAtBooking: true,
      amount: 7000,
      currency: 'gbp',
    });
    expect(
      (await call('POST', '/bookings/bk_l/payment', { mode: 'test', serviceId: 'svc_l', clientId: 'cl_l' }))
        .body.error.code,
    ).toBe('stripe_not_connected');

    const booked = await call('POST', '/bookings/bk_l/payment', {
      mode: 'live',
      serviceId: 'svc_l',
      clientId: 'cl_l',
    });
    expect(booked.status).toBe(201);
    expect(booked.body.publishableKey).toBe(`pk_live_${suffix}`);
    await simStripe().paymentIntents.confirm(
      booked.body.paymentId,
      {
        client_secret: booked.body.clientSecret,
        payment_method: 'pm_card_visa',
        return_url: 'https://basis.example/l',
      } as never,
      { apiKey: `pk_live_${suffix}` },
    );
    const paid = await eventually(async () => {
      const response = await call('GET', `/payments/${booked.body.paymentId}`);
      return response.body.status === 'succeeded' ? response.body : undefined;
    });
    expect(paid).toMatchObject({ mode: 'live', amount: 7000, currency: 'gbp' });
    expect(
      (await call('GET', '/payments?mode=live')).body.data.map((p: { paymentId: string }) => p.paymentId),
    ).toEqual([booked.body.paymentId]);
    expect((await call('GET', '/payments?mode=test')).body.data).toEqual([]);
    const ledger = await call('GET', `/events?mode=live&paymentId=${booked.body.paymentId}`);
    expect(ledger.body.data.length).toBeGreaterThan(0);
  });
});
