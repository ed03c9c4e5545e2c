import { handledEventTypes } from '@basis/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signDevToken } from '../../local/src/dev-jwt.ts';
import type { LocalStack } from '../../local/src/local-stack.ts';
import { PERMISSION_FAMILIES } from '../../stripe-sim/src/keys.ts';
import { apiClient } from '../support/clinic-api.ts';
import { capturingObservability } from '../support/observability.ts';
import { newTestAccountKeys, simCall, simStripe } from '../support/stripe-sim-client.ts';
import { eventually, startTestStack } from '../support/test-stack.ts';

/** Every log line of the run, serialised, to prove no secret ever reaches a log. */
const logLines: string[] = [];
const stripe = simStripe();
let stack: LocalStack;
let adminToken: string;
let staffToken: string;
const clinicId = `clinic_connect_${Math.random().toString(36).slice(2, 8)}`;
const responses: string[] = [];

beforeAll(async () => {
  stack = await startTestStack({ observability: capturingObservability(logLines) });
  adminToken = await signDevToken({ clinicId, role: 'clinic_admin' });
  staffToken = await signDevToken({ clinicId, role: 'staff' });
});
afterAll(() => stack?.stop());

const api = (method: string, path: string, token: string, body?: unknown) =>
  apiClient(stack.apiUrl, (text) => responses.push(text))(method, path, token, body);

/** Pays on the simulator as the clinic's booking flow would, and returns the PaymentIntent id. */
async function payOnStripe(secretKey: string, bookingId: string): Promise<string> {
  const intent = await stripe.paymentIntents.create(
    {
      amount: 2500,
      currency: 'usd',
      payment_method: 'pm_card_visa',
      confirm: true,
      automatic_payment_methods: { enabled: true, allow_redirects: 'never' },
      metadata: { clinic_id: clinicId, booking_id: bookingId },
    },
    { apiKey: secretKey },
  );
  return intent.id;
}

async function paymentStatus(paymentId: string): Promise<string | undefined> {
  const response = await api('GET', `/v1/clinics/${clinicId}/payments/${paymentId}`, staffToken);
  return response.status === 200 ? (response.body?.status as string) : undefined;
}

const keys = newTestAccountKeys();

describe('connecting a clinic to Stripe, through HTTP, against the simulator', () => {
  it('refuses keys of the wrong mode, naming the field, and stores nothing', async () => {
    const live = await api('PUT', `/v1/clinics/${clinicId}/stripe/test`, adminToken, {
      publishableKey: 'pk_live_abc',
      secretKey: keys.secretKey,
    });
    expect(live.status).toBe(400);
    expect(live.body?.error).toMatchObject({ code: 'validation_failed', field: 'publishableKey' });
    const mixed = await api('PUT', `/v1/clinics/${clinicId}/stripe/live`, adminToken, {
      publishableKey: 'pk_live_abc',
      secretKey: keys.secretKey,
    });
    expect(mixed.body?.error).toMatchObject({ code: 'validation_failed', field: 'secretKey' });
    const extra = await api('PUT', `/v1/clinics/${clinicId}/stripe/test`, adminToken, {
      publishableKey: keys.publishableKey,
      secretKey: keys.secretKey,
      cardNumber: '4242424242424242',
    });
    expect(extra.body?.error).toMatchObject({ code: 'validation_failed', field: 'cardNumber' });
    expect((await api('GET', `/v1/clinics/${clinicId}/stripe`, adminToken)).body).toEqual({
      test: { status: 'not_connected' },
      live: { status: 'not_connected' },
    });
  });

  it('refuses a key Stripe refuses, a publishable key of another account, and a restricted key without permissions', async () => {
    const revoked = newTestAccountKeys();
    await simCall('POST', '/_sim/keys/revoke', revoked.secretKey);
    const refused = await api('PUT', `/v1/clinics/${clinicId}/stripe/test`, adminToken, {
      publishableKey: revoked.publishableKey,
      secretKey: revoked.secretKey,
    });
    expect(refused.status).toBe(400);
    expect(refused.body?.error).toMatchObject({ code: 'invalid_stripe_key', field: 'secretKey' });

    const other = newTestAccountKeys();
    const mismatched = await api('PUT', `/v1/clinics/${clinicId}/stripe/test`, adminToken, {
      publishableKey: other.publishableKey,
      secretKey: keys.secretKey,
    });
    expect(mismatched.status).toBe(400);
    expect(mismatched.body?.error).toMatchObject({ code: 'invalid_stripe_key', field: 'publishableKey' });

    const limited = newTestAccountKeys();
    const families = PERMISSION_FAMILIES.filter((family) => family !== 'payout');
    await simCall('POST', '/_sim/keys/permissions', limited.secretKey, {
      key: limited.restrictedKey,
      ...Object.fromEntries(families.map((family) => [`permissions[${family}]`, 'write'])),
      'permissions[payout]': 'none',
    });
    const restricted = await api('PUT', `/v1/clinics/${clinicId}/stripe/test`, adminToken, {
      publishableKey: limited.publishableKey,
      secretKey: limited.restrictedKey,
    });
    expect(restricted.status).toBe(400);
    expect(restricted.body?.error).toMatchObject({
      code: 'insufficient_key_permissions',
      missing: ['payouts'],
    });
    expect((await api('GET', `/v1/clinics/${clinicId}/stripe`, adminToken)).body?.test).toEqual({
      status: 'not_connected',
    });
  });

  it('lets only a clinic admin connect, and staff read the status', async () => {
    const denied = await api('PUT', `/v1/clinics/${clinicId}/stripe/test`, staffToken, {
      publishableKey: keys.publishableKey,
      secretKey: keys.secretKey,
    });
    expect(denied.status).toBe(403);
    expect((await api('GET', `/v1/clinics/${clinicId}/stripe`, staffToken)).status).toBe(200);
  });

  it('connects (managed webhook), receives a payment webhook, re-connects with a new key losing no event, then disconnects', async () => {
    const connected = await api('PUT', `/v1/clinics/${clinicId}/stripe/test`, adminToken, {
      publishableKey: keys.publishableKey,
      secretKey: keys.secretKey,
    });
    expect(connected.status).toBe(200);
    expect(connected.body).toMatchObject({
      mode: 'test',
      status: 'connected',
      accountId: expect.stringMatching(/^acct_/),
      publishableKey: keys.publishableKey,
      secretKeyLast4: keys.secretKey.slice(-4),
      webhook: {
        url: `${stack.apiUrl}/stripe_webhook_test/${clinicId}`,
        managed: true,
        endpointId: expect.stringMatching(/^we_/),
      },
    });
    const firstEndpoint = connected.body?.webhook.endpointId as string;
    const endpoint = await stripe.webhookEndpoints.retrieve(firstEndpoint, {}, { apiKey: keys.secretKey });
    expect(endpoint.enabled_events.sort()).toEqual([...handledEventTypes].sort());
    expect(endpoint.api_version).toBe('2026-10-28.endive');

    const status = await api('GET', `/v1/clinics/${clinicId}/stripe`, staffToken);
    // No health check has run for this connection yet (docs/connection-health.md).
    expect(status.body?.test).toEqual({ ...connected.body, health: null });
    expect(status.body?.live).toEqual({ status: 'not_connected' });

    // A payment on the clinic's account reaches us, signed with the secret connect stored.
    const first = await payOnStripe(keys.secretKey, 'bk_first');
    expect(await eventually(() => paymentStatus(first))).toBe('succeeded');

    // Payments keep flowing while the admin re-connects with a new (restricted) key of the same account.
    const during: Promise<string>[] = [];
    const flow = (async () => {
      for (let i = 0; i < 6; i++) {
        during.push(payOnStripe(keys.secretKey, `bk_during_${i}`));
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    })();
    const reconnected = await api('PUT', `/v1/clinics/${clinicId}/stripe/test`, adminToken, {
      publishableKey: keys.publishableKey,
      secretKey: keys.restrictedKey,
    });
    await flow;
    expect(reconnected.status).toBe(200);
    expect(reconnected.body?.secretKeyLast4).toBe(keys.restrictedKey.slice(-4));
    expect(reconnected.body?.webhook.endpointId).not.toBe(firstEndpoint);
    const endpoints = await stripe.webhookEndpoints.list({}, { apiKey: keys.secretKey });
    expect(endpoints.data.map((e) => e.id)).toEqual([reconnected.body?.webhook.endpointId]);

    const after = await payOnStripe(keys.secretKey, 'bk_after');
    for (const paymentId of [...(await Promise.all(during)), after]) {
      expect(await eventually(() => paymentStatus(paymentId))).toBe('succeeded');
    }
    const deliveries = (await simCall('GET', '/_sim/deliveries', keys.secretKey)).data as Array<{
      event_id: string;
      endpoint_id: string;
      status_code: number | null;
    }>;
    expect(deliveries.length).toBeGreaterThan(0);
    // No event is lost. An event Stripe makes in the milliseconds between creating the new endpoint and our storing its
    // signing secret is refused once (Stripe signs with a secret we do not hold yet) and delivered on Stripe's retry:
    // so every refused delivery went to the new endpoint and the same event was later accepted there.
    const refusedDeliveries = deliveries.filter((d) => d.status_code !== null && d.status_code >= 400);
    for (const delivery of refusedDeliveries) {
      expect(delivery.endpoint_id).toBe(reconnected.body?.webhook.endpointId);
      await eventually(async () => {
        const now = (await simCall('GET', '/_sim/deliveries', keys.secretKey)).data as typeof deliveries;
        return now.some(
          (d) =>
            d.event_id === delivery.event_id &&
            d.endpoint_id === delivery.endpoint_id &&
            d.status_code !== null &&
            d.status_code < 300,
        )
          ? true
          : undefined;
      });
    }
    // Nothing sent to the old endpoint (with the secret we held) was ever refused.
    expect(refusedDeliveries.filter((d) => d.endpoint_id === firstEndpoint)).toEqual([]);

    // Disconnect: the managed endpoint is deleted on Stripe, webhooks to the mode are refused, payments stay.
    expect((await api('DELETE', `/v1/clinics/${clinicId}/stripe/test`, adminToken)).status).toBe(204);
    expect((await stripe.webhookEndpoints.list({}, { apiKey: keys.secretKey })).data).toEqual([]);
    expect((await api('GET', `/v1/clinics/${clinicId}/stripe`, staffToken)).body?.test).toEqual({
      status: 'not_connected',
    });
    const refused = await fetch(`${stack.apiUrl}/stripe_webhook_test/${clinicId}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'stripe-signature': 't=1,v1=00' },
      body: '{}',
    });
    expect(refused.status).toBe(404);
    expect(await paymentStatus(first)).toBe('succeeded');
    expect((await api('DELETE', `/v1/clinics/${clinicId}/stripe/test`, adminToken)).status).toBe(204);
  });

  it('never loses one mode when test and live are connected at the same moment', async () => {
    const other = `${clinicId}_both`;
    const token = await signDevToken({ clinicId: other, role: 'clinic_admin' });
    const liveKeys = {
      publishableKey: `pk_live_${keys.secretKey.slice(8)}`,
      secretKey: `sk_live_${keys.secretKey.slice(8)}`,
    };
    const testKeys = {
      publishableKey: keys.publishableKey,
      secretKey: keys.secretKey,
      webhookSecret: 'whsec_admin_managed_test',
    };
    const put = (mode: string, body: unknown) =>
      api('PUT', `/v1/clinics/${other}/stripe/${mode}`, token, body);
    const first = await Promise.all([put('test', testKeys), put('live', liveKeys)]);
    for (const [index, response] of first.entries()) {
      expect([200, 409]).toContain(response.status);
      if (response.status === 409) {
        expect(response.body?.error.code).toBe('connection_change_in_progress');
        expect((await put(index === 0 ? 'test' : 'live', index === 0 ? testKeys : liveKeys)).status).toBe(
          200,
        );
      }
    }
    const both = await api('GET', `/v1/clinics/${other}/stripe`, token);
    expect(both.body).toMatchObject({ test: { status: 'connected' }, live: { status: 'connected' } });
    expect((await api('DELETE', `/v1/clinics/${other}/stripe/live`, token)).status).toBe(204);
    expect((await api('DELETE', `/v1/clinics/${other}/stripe/test`, token)).status).toBe(204);
  });

  it('never puts a secret key or signing secret in a response or a log line', async () => {
    const secrets = [keys.secretKey, keys.restrictedKey];
    const files = await stack.secrets.get(clinicId);
    expect(files?.test).toBeUndefined();
    const everything = [...responses, ...logLines].join('\n');
    for (const secret of secrets) expect(everything).not.toContain(secret);
    expect(everything).not.toMatch(/whsec_[A-Za-z0-9]+/);
    expect(everything).not.toMatch(/(sk|rk)_test_[A-Za-z0-9]{8,}/);
    expect(logLines.length).toBeGreaterThan(10);
  });
});
