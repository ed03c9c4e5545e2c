import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signDevToken } from '../../local/src/dev-jwt.ts';
import type { LocalStack } from '../../local/src/local-stack.ts';
import { startTestStack } from '../support/test-stack.ts';

const frontend = 'http://localhost:5173';
const otherAllowed = 'https://app.basis.example';
const stranger = 'https://evil.example';
const clinicId = 'clinic_browser';
let stack: LocalStack;
let adminToken: string;

beforeAll(async () => {
  stack = await startTestStack({ allowedOrigins: [frontend, otherAllowed] });
  adminToken = await signDevToken({ clinicId, role: 'clinic_admin' });
});
afterAll(() => stack?.stop());

function call(method: string, path: string, headers: Record<string, string> = {}, body?: string) {
  return fetch(`${stack.apiUrl}${path}`, { method, headers, ...(body === undefined ? {} : { body }) });
}

function preflight(path: string, origin: string, method = 'POST') {
  return call('OPTIONS', path, {
    origin,
    'access-control-request-method': method,
    'access-control-request-headers': 'authorization,content-type',
  });
}

const corsHeadersOf = (response: Response) =>
  [...response.headers.keys()].filter((name) => name.startsWith('access-control-'));

describe('CORS on the /v1 routes (docs/api.md, "Browsers (CORS)")', () => {
  it('answers a preflight for a configured origin itself, before any JWT check', async () => {
    for (const origin of [frontend, otherAllowed]) {
      const response = await preflight(`/v1/clinics/${clinicId}/bookings/bk_1/payment`, origin);
      expect(response.status).toBe(204);
      expect(response.headers.get('access-control-allow-origin')).toBe(origin);
      expect(response.headers.get('access-control-allow-methods')).toBe('GET,POST,PUT,DELETE');
      expect(response.headers.get('access-control-allow-headers')).toBe(
        'authorization,content-type,idempotency-key',
      );
      expect(response.headers.get('access-control-max-age')).toBe('600');
      expect(response.headers.get('access-control-allow-credentials')).toBeNull();
    }
  });

  it('gives another origin no CORS headers, on preflights and on answers', async () => {
    const refused = await preflight(`/v1/clinics/${clinicId}/stripe`, stranger, 'GET');
    expect(corsHeadersOf(refused)).toEqual([]);
    const answer = await call('GET', `/v1/clinics/${clinicId}/stripe`, {
      origin: stranger,
      authorization: `Bearer ${adminToken}`,
    });
    expect(answer.status).toBe(200);
    expect(corsHeadersOf(answer)).toEqual([]);
  });

  it("lets a configured origin's script read every answer and its x-request-id: 200, the gateway's 401, a handler's 403", async () => {
    const ok = await call('GET', `/v1/clinics/${clinicId}/stripe`, {
      origin: frontend,
      authorization: `Bearer ${adminToken}`,
    });
    const noToken = await call('GET', `/v1/clinics/${clinicId}/stripe`, { origin: frontend });
    const otherClinic = await call('GET', '/v1/clinics/clinic_other/stripe', {
      origin: frontend,
      authorization: `Bearer ${adminToken}`,
    });
    expect([ok.status, noToken.status, otherClinic.status]).toEqual([200, 401, 403]);
    for (const response of [ok, noToken, otherClinic]) {
      expect(response.headers.get('access-control-allow-origin')).toBe(frontend);
      expect(response.headers.get('access-control-expose-headers')).toBe('x-request-id');
      expect(response.headers.get('vary')).toMatch(/origin/i);
    }
  });

  it('sends no CORS headers on the webhook routes and /health, preflight or not', async () => {
    for (const path of [`/stripe_webhook_test/${clinicId}`, `/stripe_webhook/${clinicId}`, '/health']) {
      const refused = await preflight(path, frontend);
      expect(refused.status).toBe(405);
      expect(corsHeadersOf(refused)).toEqual([]);
    }
    const health = await call('GET', '/health', { origin: frontend });
    expect(health.status).toBe(200);
    expect(corsHeadersOf(health)).toEqual([]);
    const webhook = await call(
      'POST',
      `/stripe_webhook_test/${clinicId}`,
      { origin: frontend, 'content-type': 'application/json', 'stripe-signature': 't=1,v1=00' },
      '{}',
    );
    expect(webhook.status).toBeGreaterThanOrEqual(400);
    expect(corsHeadersOf(webhook)).toEqual([]);
  });
});

describe('x-request-id on every answer, and requestId in every error body', () => {
  async function expectStamped(response: Response): Promise<string> {
    const requestId = response.headers.get('x-request-id');
    expect(requestId).toMatch(/^[0-9a-f-]{36}$/);
    if (response.status >= 400) {
      const body = (await response.json()) as { error: { code: string; requestId: string } };
      expect(body.error.requestId).toBe(requestId);
    }
    return requestId as string;
  }

  it("stamps the handlers' answers: 200, 204, text/csv, 400 and 403", async () => {
    const auth = { authorization: `Bearer ${adminToken}` };
    const responses = [
      await call('GET', `/v1/clinics/${clinicId}/stripe`, auth),
      await call('DELETE', `/v1/clinics/${clinicId}/stripe/live`, auth),
      await call('GET', `/v1/clinics/${clinicId}/reports/payments?mode=test&format=csv`, auth),
      await call('GET', `/v1/clinics/${clinicId}/payments?mode=sandbox`, auth),
      await call('GET', '/v1/clinics/clinic_other/stripe', auth),
    ];
    expect(responses.map((response) => response.status)).toEqual([200, 204, 200, 400, 403]);
    const ids = await Promise.all(responses.map(expectStamped));
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("stamps the gateway's own answers, where API Gateway sends its request id: 401, 404, 405", async () => {
    const responses = [
      await call('GET', `/v1/clinics/${clinicId}/stripe`),
      await call('GET', `/v1/clinics/${clinicId}/stripe`, { authorization: 'Bearer not-a-jwt' }),
      await call('GET', '/v1/no/such/route'),
      await call('PATCH', `/v1/clinics/${clinicId}/stripe`),
    ];
    expect(responses.map((response) => response.status)).toEqual([401, 401, 404, 405]);
    for (const response of responses) {
      const requestId = await expectStamped(response);
      expect(response.headers.get('apigw-requestid')).toBe(requestId);
    }
  });

  it('stamps the public routes: /health, /openapi.json and a refused webhook (404 clinic_not_connected)', async () => {
    const responses = [
      await call('GET', '/health'),
      await call('GET', '/openapi.json'),
      await call('POST', `/stripe_webhook_test/${clinicId}`, { 'content-type': 'application/json' }, '{}'),
    ];
    // The clinic has no connection: ingest refuses the delivery as Stripe expects.
    expect(responses.map((response) => response.status)).toEqual([200, 200, 404]);
    await Promise.all(responses.map(expectStamped));
  });
});

describe('the API reference', () => {
  it('serves the committed OpenAPI document at GET /openapi.json, without a token', async () => {
    const response = await call('GET', '/openapi.json');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    const committed = JSON.parse(readFileSync(new URL('../../docs/openapi.json', import.meta.url), 'utf8'));
    expect(await response.json()).toEqual(committed);
  });

  it('renders it at GET /docs with a renderer served from this machine (no CDN)', async () => {
    const page = await call('GET', '/docs');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await page.text();
    expect(html).toContain('spec-url="/openapi.json"');
    const scripts = [...html.matchAll(/src="([^"]+)"/g)].map((match) => match[1] as string);
    expect(scripts.length).toBeGreaterThan(0);
    for (const src of scripts) {
      expect(src.startsWith('/')).toBe(true);
      const script = await call('GET', src);
      expect(script.status).toBe(200);
      expect(script.headers.get('content-type')).toMatch(/javascript/);
      expect((await script.text()).length).toBeGreaterThan(100_000);
    }
  });
});
