import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack } from '../../test/support/test-stack.ts';
import { verifyDevToken } from '../src/dev-jwt.ts';
import type { LocalStack } from '../src/local-stack.ts';

let stack: LocalStack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(() => stack?.stop());

const postToken = (body: string) =>
  fetch(`${stack.apiUrl}/_local/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
  });

describe('the local console endpoints of the local API Gateway', () => {
  it('signs a dev token with exactly the asked clinic, role and client, which the local gateway then accepts', async () => {
    const response = await postToken(
      JSON.stringify({ clinicId: 'clinic_a', role: 'client', clientId: 'client_7' }),
    );
    expect(response.status).toBe(200);
    const { token } = (await response.json()) as { token: string };
    expect(await verifyDevToken(token)).toMatchObject({
      clinic_id: 'clinic_a',
      role: 'client',
      client_id: 'client_7',
    });
    const staffToken = (await (
      await postToken(JSON.stringify({ clinicId: 'clinic_a', role: 'staff', clientId: 'x' }))
    ).json()) as {
      token: string;
    };
    expect(await verifyDevToken(staffToken.token)).not.toHaveProperty('client_id');
    const read = await fetch(`${stack.apiUrl}/v1/clinics/clinic_a/stripe`, {
      headers: { authorization: `Bearer ${staffToken.token}` },
    });
    expect(read.status).toBe(200);
  });

  it.each([
    ['not JSON', 'role=clinic_admin'],
    ['an unknown role', JSON.stringify({ clinicId: 'clinic_a', role: 'owner' })],
    ['no clinic', JSON.stringify({ role: 'clinic_admin' })],
    ['a client without a client id', JSON.stringify({ clinicId: 'clinic_a', role: 'client' })],
    ['an unknown field', JSON.stringify({ clinicId: 'clinic_a', role: 'staff', admin: true })],
  ])('refuses %s with 400 validation_failed and no token', async (_case, body) => {
    const response = await postToken(body);
    expect(response.status).toBe(400);
    const answer = (await response.json()) as { token?: string; error: { code: string } };
    expect(answer.error.code).toBe('validation_failed');
    expect(answer.token).toBeUndefined();
  });

  it('serves the console page, its bundled app and the simulator URL it confirms payments with', async () => {
    const redirect = await fetch(`${stack.apiUrl}/console`, { redirect: 'manual' });
    expect(redirect.status).toBe(302);
    expect(redirect.headers.get('location')).toBe('/console/');
    const page = await fetch(`${stack.apiUrl}/console/`);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await page.text()).toContain('<script type="module" src="/console/app.js">');
    const app = await fetch(`${stack.apiUrl}/console/app.js`);
    expect(app.headers.get('content-type')).toMatch(/^text\/javascript/);
    // The typed client is bundled in: the page needs nothing from the network but this server and the simulator.
    expect(await app.text()).toContain('/v1/clinics/{clinicId}/bookings/{bookingId}/payment');
    const config = (await (await fetch(`${stack.apiUrl}/console/config.json`)).json()) as {
      stripeApiUrl: string;
    };
    expect(config.stripeApiUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect((await fetch(`${stack.apiUrl}/console/nope.js`)).status).toBe(404);
  });
});
