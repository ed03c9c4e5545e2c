import { handledEventTypes } from '@basis/shared';
import type Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signDevToken } from '../../local/src/dev-jwt.ts';
import type { LocalStack } from '../../local/src/local-stack.ts';
import { apiClient, type ConnectedClinic, connectedClinic, type Json } from '../support/clinic-api.ts';
import { newTestAccountKeys, simCall, simStripe } from '../support/stripe-sim-client.ts';
import { eventually, startTestStack } from '../support/test-stack.ts';

let stack: LocalStack;
const suffix = () => Math.random().toString(36).slice(2, 8);

beforeAll(async () => {
  // The sweep leaves no event to settle, so a test can make it heal what webhooks did not bring.
  stack = await startTestStack({ sweepSettleSeconds: 0 });
});
afterAll(() => stack?.stop());

async function priced(clinic: ConnectedClinic): Promise<void> {
  const pricing = await clinic.api('PUT', `${clinic.base}/services/svc_h/pricing`, clinic.tokens.admin, {
    requirePaymentAtBooking: true,
    amount: 3000,
    currency: 'usd',
  });
  expect(pricing.status).toBe(200);
}

/** Books and pays as the client would (the simulator's confirm stands in for Stripe.js); answers the payment id. */
async function bookAndPay(clinic: ConnectedClinic, bookingId: string): Promise<string> {
  const created = await clinic.api(
    'POST',
    `${clinic.base}/bookings/${bookingId}/payment`,
    clinic.tokens.staff,
    {
      mode: 'test',
      serviceId: 'svc_h',
      clientId: 'cl_h',
    },
  );
  expect(created.status).toBe(201);
  await clinic.stripe.paymentIntents.confirm(
    created.body.paymentId,
    {
      client_secret: created.body.clientSecret,
      payment_method: 'pm_card_visa',
      return_url: 'https://basis.example/h',
    } as never,
    { apiKey: clinic.keys.publishableKey },
  );
  return created.body.paymentId as string;
}

async function health(clinic: ConnectedClinic, token = clinic.tokens.staff): Promise<Json> {
  const response = await clinic.api('GET', `${clinic.base}/stripe/test/health`, token);
  expect(response.status).toBe(200);
  return response.body;
}

const check = (body: Json, name: string): Json => {
  const found = (body.checks as Json[]).find((entry) => entry.name === name);
  if (!found) throw new Error(`no check ${name} in ${JSON.stringify(body)}`);
  return found;
};

const failing = (body: Json) =>
  (body.checks as Json[]).filter((entry) => !entry.ok).map((entry) => entry.name);

async function paymentStatus(clinic: ConnectedClinic, paymentId: string): Promise<string> {
  const response = await clinic.api('GET', `${clinic.base}/payments/${paymentId}`, clinic.tokens.staff);
  return response.body.status as string;
}

describe('connection health, through HTTP, against the simulator', () => {
  it('is healthy for a freshly connected clinic, and GET …/stripe shows it once checked', async () => {
    const clinic = await connectedClinic(stack, `clinic_h_ok_${suffix()}`);
    const before = await clinic.api('GET', `${clinic.base}/stripe`, clinic.tokens.staff);
    expect(before.body.test.health).toBeNull();

    const body = await health(clinic);
    expect(body).toMatchObject({ mode: 'test', status: 'healthy', lastEventReceivedAt: null });
    expect((body.checks as Json[]).map((entry) => entry.name)).toEqual([
      'key_valid',
      'key_permissions',
      'webhook_endpoint',
      'signature_failures',
      'missed_events',
      'failed_events',
    ]);
    expect(failing(body)).toEqual([]);

    const after = await clinic.api('GET', `${clinic.base}/stripe`, clinic.tokens.staff);
    expect(after.body.test.health).toEqual({ status: 'healthy', checkedAt: body.checkedAt, failing: [] });
    expect(after.body.live).toEqual({ status: 'not_connected' });
    const live = await clinic.api('GET', `${clinic.base}/stripe/live/health`, clinic.tokens.admin);
    expect(live.body).toMatchObject({ mode: 'live', status: 'not_connected', checks: [] });
  });

  it('needs attention for a revoked key, and a booking then answers 409 stripe_key_rejected', async () => {
    const clinic = await connectedClinic(stack, `clinic_h_key_${suffix()}`);
    await priced(clinic);
    await simCall('POST', '/_sim/keys/revoke', clinic.keys.secretKey, { key: clinic.keys.secretKey });

    const body = await health(clinic);
    expect(body.status).toBe('needs_attention');
    expect(check(body, 'key_valid')).toMatchObject({ ok: false, detail: expect.stringContaining('revoked') });
    expect(check(body, 'key_valid').detail).toContain(`PUT ${clinic.base}/stripe/test`);
    expect(check(body, 'key_permissions').ok).toBe(false);
    expect(check(body, 'webhook_endpoint').ok).toBe(false);
    // Our own records are fine: only what Stripe refuses fails.
    expect(check(body, 'signature_failures').ok).toBe(true);

    const booking = await clinic.api(
      'POST',
      `${clinic.base}/bookings/bk_revoked/payment`,
      clinic.tokens.staff,
      {
        mode: 'test',
        serviceId: 'svc_h',
        clientId: 'cl_h',
      },
    );
    expect(booking.status).toBe(409);
    expect(booking.body.error.code).toBe('stripe_key_rejected');

    const connections = await clinic.api('GET', `${clinic.base}/stripe`, clinic.tokens.admin);
    expect(connections.body.test.health).toMatchObject({ status: 'needs_attention' });
    expect(connections.body.test.health.failing).toContain('key_valid');
  });

  it('needs attention after deliveries were refused for a wrong admin-given signing secret', async () => {
    const clinicId = `clinic_h_sig_${suffix()}`;
    const keys = newTestAccountKeys();
    const stripe = simStripe();
    // The admin set up the endpoint in the Dashboard, then pasted another secret into Basis. It subscribes to the
    // handled types only: with `*` the SetupIntent that connect's key check makes would race a refused delivery
    // against the first health check.
    const endpoint = await stripe.webhookEndpoints.create(
      {
        url: `${stack.apiUrl}/stripe_webhook_test/${clinicId}`,
        enabled_events: [...handledEventTypes] as Stripe.WebhookEndpointCreateParams.EnabledEvent[],
      },
      { apiKey: keys.secretKey },
    );
    const admin = await signDevToken({ clinicId, role: 'clinic_admin' });
    const api = apiClient(stack.apiUrl);
    const connected = await api('PUT', `/v1/clinics/${clinicId}/stripe/test`, admin, {
      publishableKey: keys.publishableKey,
      secretKey: keys.secretKey,
      webhookSecret: 'whsec_not_the_endpoints_secret_made_up',
    });
    expect(connected.status).toBe(200);
    const clinic: ConnectedClinic = {
      clinicId,
      keys,
      api,
      stripe,
      base: `/v1/clinics/${clinicId}`,
      tokens: {
        admin,
        staff: await signDevToken({ clinicId, role: 'staff' }),
        client: (clientId: string) => signDevToken({ clinicId, role: 'client', clientId }),
      },
    };
    await priced(clinic);
    expect(failing(await health(clinic))).toEqual([]);

    await bookAndPay(clinic, 'bk_sig');
    await eventually(async () => {
      const deliveries = await simCall('GET', '/_sim/deliveries', keys.secretKey, {
        endpoint_id: endpoint.id,
      });
      const refused = (deliveries.data as Json[]).filter((delivery) => delivery.status_code === 400);
      return refused.length > 0 ? refused : undefined;
    });
    const body = await eventually(async () => {
      const checked = await health(clinic);
      return checked.status === 'needs_attention' ? checked : undefined;
    });
    expect(check(body, 'signature_failures')).toMatchObject({
      ok: false,
      detail: expect.stringContaining('signing secret'),
    });
    expect(check(body, 'webhook_endpoint')).toMatchObject({
      ok: false,
      detail: expect.stringContaining(endpoint.id),
    });
    expect(check(body, 'key_valid').ok).toBe(true);

    const repair = await api('POST', `${clinic.base}/stripe/test/webhook/repair`, admin);
    expect(repair.status).toBe(409);
    expect(repair.body.error.code).toBe('webhook_not_managed');
  });

  it('needs attention for an endpoint disabled on Stripe and for events only the sweep found; repair heals it', async () => {
    const clinic = await connectedClinic(stack, `clinic_h_off_${suffix()}`);
    await priced(clinic);
    const connection = (await clinic.api('GET', `${clinic.base}/stripe`, clinic.tokens.admin)).body.test;
    const oldEndpointId = connection.webhook.endpointId as string;
    await clinic.stripe.webhookEndpoints.update(
      oldEndpointId,
      { disabled: true },
      { apiKey: clinic.keys.secretKey },
    );

    const disabled = await health(clinic);
    expect(disabled.status).toBe('needs_attention');
    expect(check(disabled, 'webhook_endpoint')).toMatchObject({
      ok: false,
      detail: expect.stringContaining('disabled'),
    });
    expect(check(disabled, 'webhook_endpoint').detail).toContain(
      `POST ${clinic.base}/stripe/test/webhook/repair`,
    );

    // Stripe sends nothing to a disabled endpoint: the payment is applied only when the sweep finds its events.
    const lost = await bookAndPay(clinic, 'bk_lost');
    await stack.runScheduled('eventSweeper');
    await eventually(async () => ((await paymentStatus(clinic, lost)) === 'succeeded' ? true : undefined));
    await stack.drained();
    const swept = await health(clinic);
    expect(check(swept, 'missed_events')).toMatchObject({
      ok: false,
      detail: expect.stringContaining('sweep'),
    });
    expect(swept.lastEventReceivedAt).toEqual(expect.any(String));

    const repair = await clinic.api('POST', `${clinic.base}/stripe/test/webhook/repair`, clinic.tokens.admin);
    expect(repair.status).toBe(200);
    expect(repair.body).toMatchObject({ mode: 'test', status: 'connected', webhook: { managed: true } });
    const newEndpointId = repair.body.webhook.endpointId as string;
    expect(newEndpointId).not.toBe(oldEndpointId);
    await expect(
      clinic.stripe.webhookEndpoints.retrieve(oldEndpointId, {}, { apiKey: clinic.keys.secretKey }),
    ).rejects.toThrow(/No such webhook_endpoint/);
    // A repeat finds the endpoint in order and changes nothing.
    const again = await clinic.api('POST', `${clinic.base}/stripe/test/webhook/repair`, clinic.tokens.admin);
    expect(again.body.webhook.endpointId).toBe(newEndpointId);

    const repaired = await health(clinic);
    expect(failing(repaired)).toEqual([]);
    expect(repaired.status).toBe('healthy');

    // A new payment is applied by webhook through the new endpoint, with no sweep.
    const paid = await bookAndPay(clinic, 'bk_after_repair');
    await eventually(async () => ((await paymentStatus(clinic, paid)) === 'succeeded' ? true : undefined));
    const deliveries = await simCall('GET', '/_sim/deliveries', clinic.keys.secretKey, {
      endpoint_id: newEndpointId,
      type: 'payment_intent.succeeded',
    });
    expect((deliveries.data as Json[]).some((delivery) => delivery.outcome === 'succeeded')).toBe(true);
  });

  it('answers 409 stripe_not_connected to a repair of a mode that is not connected, and 400 to an unknown mode', async () => {
    const clinic = await connectedClinic(stack, `clinic_h_nc_${suffix()}`);
    const live = await clinic.api('POST', `${clinic.base}/stripe/live/webhook/repair`, clinic.tokens.admin);
    expect(live.status).toBe(409);
    expect(live.body.error.code).toBe('stripe_not_connected');
    const bad = await clinic.api('GET', `${clinic.base}/stripe/prod/health`, clinic.tokens.admin);
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatchObject({ code: 'validation_failed', field: 'mode' });
  });
});
