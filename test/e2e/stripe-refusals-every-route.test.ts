import { httpRoutes, routeKey } from '@basis/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signDevToken } from '../../local/src/dev-jwt.ts';
import type { LocalStack } from '../../local/src/local-stack.ts';
import { apiClient, type Json } from '../support/clinic-api.ts';
import { newTestAccountKeys, simCall, simStripe } from '../support/stripe-sim-client.ts';
import { eventually, startTestStack } from '../support/test-stack.ts';

/**
 * Issue 11, "Done when": every route of the topology, called with a valid request while Stripe refuses (a revoked
 * key, a key without permissions, objects missing on the connected account), answers a 4xx or a 502 with an error
 * code: never a 500. The webhook routes answer on their own signature, whatever Stripe says.
 */
let stack: LocalStack;
const api = () => apiClient(stack.apiUrl);

beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(() => stack?.stop());

interface World {
  clinicId: string;
  keys: ReturnType<typeof newTestAccountKeys>;
  tokens: { admin: string; staff: string; client: string };
  paidPaymentId: string;
  unpaidPaymentId: string;
  cardId: string;
}

/** A clinic connected with a restricted key (so its permissions can be narrowed), with data on every route's path. */
async function world(): Promise<World> {
  const clinicId = `clinic_walk_${Math.random().toString(36).slice(2, 8)}`;
  const keys = newTestAccountKeys();
  const tokens = {
    admin: await signDevToken({ clinicId, role: 'clinic_admin' }),
    staff: await signDevToken({ clinicId, role: 'staff' }),
    client: await signDevToken({ clinicId, role: 'client', clientId: 'cl_walk' }),
  };
  const call = api();
  const base = `/v1/clinics/${clinicId}`;
  const connected = await call('PUT', `${base}/stripe/test`, tokens.admin, {
    publishableKey: keys.publishableKey,
    secretKey: keys.restrictedKey,
  });
  expect(connected.status).toBe(200);
  await call('PUT', `${base}/services/svc_w/pricing`, tokens.admin, {
    requirePaymentAtBooking: true,
    amount: 2500,
    currency: 'usd',
  });
  const stripe = simStripe();
  const booking = (bookingId: string, extra: Json = {}) =>
    call('POST', `${base}/bookings/${bookingId}/payment`, tokens.client, {
      mode: 'test',
      serviceId: 'svc_w',
      clientId: 'cl_walk',
      ...extra,
    });
  const paid = await booking('bk_w_paid', { savePaymentMethod: true });
  await stripe.paymentIntents.confirm(
    paid.body.paymentId,
    {
      client_secret: paid.body.clientSecret,
      payment_method: 'pm_card_visa',
      return_url: 'https://x.example',
    } as never,
    { apiKey: keys.publishableKey },
  );
  const cards = await eventually(async () => {
    const listed = await call('GET', `${base}/clients/cl_walk/payment-methods?mode=test`, tokens.client);
    const succeeded = await call('GET', `${base}/payments/${paid.body.paymentId}`, tokens.staff);
    return listed.body.data?.length && succeeded.body.status === 'succeeded' ? listed.body.data : undefined;
  });
  const unpaid = await booking('bk_w_unpaid');
  // A membership plan made while the key works, so that a sign-up reaches Stripe with the plan's Price.
  const plan = await call('PUT', `${base}/membership-plans/plan_walk`, tokens.admin, {
    mode: 'test',
    amount: 3000,
    currency: 'usd',
    interval: 'month',
  });
  expect(plan.status).toBe(200);
  return {
    clinicId,
    keys,
    tokens,
    paidPaymentId: paid.body.paymentId,
    unpaidPaymentId: unpaid.body.paymentId,
    cardId: cards[0].id,
  };
}

interface Call {
  method: string;
  path: string;
  token?: string;
  body?: Json;
  headers?: Record<string, string>;
}

/** One valid request per route, each reaching Stripe where the route does. Keyed by API Gateway routeKey. */
function callsFor(w: World): Record<string, Call> {
  const base = `/v1/clinics/${w.clinicId}`;
  const signature = { 'stripe-signature': `t=${Math.floor(Date.now() / 1000)},v1=${'0'.repeat(64)}` };
  const event = { id: 'evt_walk', object: 'event', type: 'payment_intent.succeeded', data: { object: {} } };
  return {
    'GET /health': { method: 'GET', path: '/health' },
    'GET /openapi.json': { method: 'GET', path: '/openapi.json' },
    'GET /v1/clinics/{clinicId}/bookings/{bookingId}/payment': {
      method: 'GET',
      path: `${base}/bookings/bk_w_paid/payment?mode=test`,
      token: w.tokens.client,
    },
    'POST /stripe_webhook/{clinicId}': {
      method: 'POST',
      path: `/stripe_webhook/${w.clinicId}`,
      body: event,
      headers: signature,
    },
    'POST /stripe_webhook_test/{clinicId}': {
      method: 'POST',
      path: `/stripe_webhook_test/${w.clinicId}`,
      body: event,
      headers: signature,
    },
    'GET /v1/clinics/{clinicId}/stripe': { method: 'GET', path: `${base}/stripe`, token: w.tokens.admin },
    'GET /v1/clinics/{clinicId}/payouts': {
      method: 'GET',
      path: `${base}/payouts?mode=test`,
      token: w.tokens.staff,
    },
    'GET /v1/clinics/{clinicId}/payouts/{payoutId}': {
      method: 'GET',
      path: `${base}/payouts/po_walk0001?mode=test`,
      token: w.tokens.staff,
    },
    'PUT /v1/clinics/{clinicId}/services/{serviceId}/pricing': {
      method: 'PUT',
      path: `${base}/services/svc_w2/pricing`,
      token: w.tokens.admin,
      body: { requirePaymentAtBooking: true, amount: 900, currency: 'usd' },
    },
    'GET /v1/clinics/{clinicId}/services/{serviceId}/pricing': {
      method: 'GET',
      path: `${base}/services/svc_w/pricing`,
      token: w.tokens.client,
    },
    'POST /v1/clinics/{clinicId}/bookings/{bookingId}/payment': {
      method: 'POST',
      path: `${base}/bookings/bk_w_new/payment`,
      token: w.tokens.client,
      body: { mode: 'test', serviceId: 'svc_w', clientId: 'cl_walk' },
    },
    'POST /v1/clinics/{clinicId}/clients/{clientId}/payment-methods/setup': {
      method: 'POST',
      path: `${base}/clients/cl_walk/payment-methods/setup`,
      token: w.tokens.client,
      body: { mode: 'test' },
    },
    'GET /v1/clinics/{clinicId}/clients/{clientId}/payment-methods': {
      method: 'GET',
      path: `${base}/clients/cl_walk/payment-methods?mode=test`,
      token: w.tokens.client,
    },
    'DELETE /v1/clinics/{clinicId}/clients/{clientId}/payment-methods/{paymentMethodId}': {
      method: 'DELETE',
      path: `${base}/clients/cl_walk/payment-methods/${w.cardId}?mode=test`,
      token: w.tokens.client,
    },
    'GET /v1/clinics/{clinicId}/payments': {
      method: 'GET',
      path: `${base}/payments?mode=test`,
      token: w.tokens.staff,
    },
    'GET /v1/clinics/{clinicId}/payments/{paymentId}': {
      method: 'GET',
      path: `${base}/payments/${w.paidPaymentId}`,
      token: w.tokens.staff,
    },
    'POST /v1/clinics/{clinicId}/payments/{paymentId}/cancel': {
      method: 'POST',
      path: `${base}/payments/${w.unpaidPaymentId}/cancel`,
      token: w.tokens.staff,
    },
    'POST /v1/clinics/{clinicId}/payments/{paymentId}/refunds': {
      method: 'POST',
      path: `${base}/payments/${w.paidPaymentId}/refunds`,
      token: w.tokens.staff,
      body: { amount: 500 },
    },
    'GET /v1/clinics/{clinicId}/reports/payments': {
      method: 'GET',
      path: `${base}/reports/payments?mode=test`,
      token: w.tokens.staff,
    },
    'GET /v1/clinics/{clinicId}/events': {
      method: 'GET',
      path: `${base}/events?mode=test`,
      token: w.tokens.admin,
    },
    'PUT /v1/clinics/{clinicId}/membership-plans/{planId}': {
      method: 'PUT',
      path: `${base}/membership-plans/plan_walk`,
      token: w.tokens.admin,
      // A new amount makes a new Price on Stripe.
      body: { mode: 'test', amount: 3500, currency: 'usd', interval: 'month' },
    },
    'GET /v1/clinics/{clinicId}/membership-plans': {
      method: 'GET',
      path: `${base}/membership-plans?mode=test`,
      token: w.tokens.client,
    },
    'POST /v1/clinics/{clinicId}/clients/{clientId}/memberships': {
      method: 'POST',
      path: `${base}/clients/cl_walk/memberships`,
      token: w.tokens.client,
      body: { mode: 'test', planId: 'plan_walk' },
    },
    'GET /v1/clinics/{clinicId}/clients/{clientId}/memberships': {
      method: 'GET',
      path: `${base}/clients/cl_walk/memberships?mode=test`,
      token: w.tokens.client,
    },
    'GET /v1/clinics/{clinicId}/memberships': {
      method: 'GET',
      path: `${base}/memberships?mode=test`,
      token: w.tokens.staff,
    },
    'GET /v1/clinics/{clinicId}/memberships/{membershipId}': {
      method: 'GET',
      path: `${base}/memberships/sub_walk_unknown?mode=test`,
      token: w.tokens.staff,
    },
    'POST /v1/clinics/{clinicId}/memberships/{membershipId}/cancel': {
      method: 'POST',
      path: `${base}/memberships/sub_walk_unknown/cancel`,
      token: w.tokens.staff,
      body: { atPeriodEnd: false },
    },
    'GET /v1/clinics/{clinicId}/stripe/{mode}/health': {
      method: 'GET',
      path: `${base}/stripe/test/health`,
      token: w.tokens.admin,
    },
    // Last: they change the connection itself.
    'POST /v1/clinics/{clinicId}/stripe/{mode}/webhook/repair': {
      method: 'POST',
      path: `${base}/stripe/test/webhook/repair`,
      token: w.tokens.admin,
    },
    'PUT /v1/clinics/{clinicId}/stripe/{mode}': {
      method: 'PUT',
      path: `${base}/stripe/test`,
      token: w.tokens.admin,
      body: { publishableKey: w.keys.publishableKey, secretKey: w.keys.restrictedKey },
    },
    'DELETE /v1/clinics/{clinicId}/stripe/{mode}': {
      method: 'DELETE',
      path: `${base}/stripe/test`,
      token: w.tokens.admin,
    },
  };
}

/** Walks every route in order; answers each route's status and error code. */
async function walk(w: World): Promise<Array<{ route: string; status: number; code: string | undefined }>> {
  const calls = callsFor(w);
  // A route added to the topology without a case here fails this test.
  expect(Object.keys(calls).sort()).toEqual(httpRoutes.map(routeKey).sort());
  const results = [];
  const call = api();
  for (const [route, request] of Object.entries(calls)) {
    const answer = await call(
      request.method,
      request.path,
      request.token ?? '',
      request.body,
      request.headers,
    );
    results.push({ route, status: answer.status, code: answer.body?.error?.code as string | undefined });
  }
  return results;
}

function expectNoServerError(results: Awaited<ReturnType<typeof walk>>) {
  for (const result of results) {
    const acceptable = result.status < 500 || (result.status === 502 && result.code !== undefined);
    expect(acceptable, `${result.route} answered ${result.status} ${result.code ?? ''}`).toBe(true);
    if (result.status >= 400)
      expect(result.code, `${result.route} answered ${result.status} without a code`).toBeDefined();
  }
}

const codeOf = (results: Awaited<ReturnType<typeof walk>>, route: string) =>
  results.find((result) => result.route === route);

describe('every route while Stripe refuses', () => {
  it('with the clinic’s key revoked: 4xx (409 stripe_key_rejected where Stripe is asked), never a 500', async () => {
    const w = await world();
    await simCall('POST', '/_sim/keys/revoke', w.keys.restrictedKey, { key: w.keys.restrictedKey });
    const results = await walk(w);
    expectNoServerError(results);
    for (const route of [
      'POST /v1/clinics/{clinicId}/bookings/{bookingId}/payment',
      'POST /v1/clinics/{clinicId}/clients/{clientId}/payment-methods/setup',
      'POST /v1/clinics/{clinicId}/payments/{paymentId}/cancel',
      'POST /v1/clinics/{clinicId}/payments/{paymentId}/refunds',
      'PUT /v1/clinics/{clinicId}/membership-plans/{planId}',
      'POST /v1/clinics/{clinicId}/clients/{clientId}/memberships',
    ]) {
      expect(codeOf(results, route), route).toMatchObject({ status: 409, code: 'stripe_key_rejected' });
    }
    expect(codeOf(results, 'PUT /v1/clinics/{clinicId}/stripe/{mode}')).toMatchObject({
      status: 400,
      code: 'invalid_stripe_key',
    });
    // Health is how an admin learns of it: answered, with the key's check failing.
    expect(codeOf(results, 'GET /v1/clinics/{clinicId}/stripe/{mode}/health')?.status).toBe(200);
  });

  it('with a restricted key that lost its permissions: 4xx (409 stripe_key_rejected), never a 500', async () => {
    const w = await world();
    await simCall('POST', '/_sim/keys/permissions', w.keys.secretKey, {
      key: w.keys.restrictedKey,
      'permissions[balance]': 'read',
    });
    const results = await walk(w);
    expectNoServerError(results);
    for (const route of [
      'POST /v1/clinics/{clinicId}/bookings/{bookingId}/payment',
      'POST /v1/clinics/{clinicId}/clients/{clientId}/payment-methods/setup',
      'POST /v1/clinics/{clinicId}/payments/{paymentId}/cancel',
      'POST /v1/clinics/{clinicId}/payments/{paymentId}/refunds',
    ]) {
      expect(codeOf(results, route), route).toMatchObject({ status: 409, code: 'stripe_key_rejected' });
    }
  });

  it('with every stored object missing (the mode re-connected to another account): 4xx or 2xx, never a 500', async () => {
    const w = await world();
    const other = newTestAccountKeys();
    const reconnected = await api()('PUT', `/v1/clinics/${w.clinicId}/stripe/test`, w.tokens.admin, {
      publishableKey: other.publishableKey,
      secretKey: other.restrictedKey,
    });
    expect(reconnected.status).toBe(200);
    const results = await walk({ ...w, keys: other });
    expectNoServerError(results);
    for (const route of [
      'POST /v1/clinics/{clinicId}/payments/{paymentId}/cancel',
      'POST /v1/clinics/{clinicId}/payments/{paymentId}/refunds',
    ]) {
      expect(codeOf(results, route), route).toMatchObject({ status: 409, code: 'stripe_object_missing' });
    }
    // The client's customer and cards were on the old account: none here, and a new booking makes them anew.
    expect(codeOf(results, 'POST /v1/clinics/{clinicId}/bookings/{bookingId}/payment')?.status).toBe(201);
    expect(codeOf(results, 'GET /v1/clinics/{clinicId}/clients/{clientId}/payment-methods')?.status).toBe(
      200,
    );
  });
});
