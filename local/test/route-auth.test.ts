import { httpRoutes, roles } from '@basis/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack } from '../../test/support/test-stack.ts';
import { signDevToken } from '../src/dev-jwt.ts';
import type { LocalStack } from '../src/local-stack.ts';

let stack: LocalStack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(() => stack?.stop());

const clinicId = 'clinic_auth';
const jwtRoutes = httpRoutes.filter((route) => route.auth.kind === 'jwt');

function pathOf(path: string): string {
  return path.replace('{clinicId}', clinicId).replace(/\{(\w+)\}/g, (_m, name: string) => `${name}_1`);
}

async function call(method: string, path: string, token?: string) {
  const response = await fetch(`${stack.apiUrl}${pathOf(path)}`, {
    method,
    headers: {
      'content-type': 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    ...(method === 'GET' || method === 'DELETE' ? {} : { body: '{}' }),
  });
  return { status: response.status, body: (await response.json()) as { error?: { code: string } } };
}

describe.each(jwtRoutes.map((route) => [`${route.method} ${route.path}`, route] as const))(
  '%s',
  (_key, route) => {
    it('answers 401 without a token, with a badly signed one and with an expired one', async () => {
      const forged = await signDevToken(
        { clinicId, role: 'clinic_admin' },
        new TextEncoder().encode('not-the-dev-key'),
      );
      const expired = await signDevToken({ clinicId, role: 'clinic_admin', expiresInSeconds: -60 });
      for (const token of [undefined, forged, expired, 'not.a.jwt']) {
        const response = await call(route.method, route.path, token);
        expect(response.status).toBe(401);
        expect(response.body.error?.code).toBe('unauthorized');
      }
    });

    it('answers 403 to a token of another clinic', async () => {
      const token = await signDevToken({ clinicId: 'clinic_other', role: 'clinic_admin' });
      expect((await call(route.method, route.path, token)).status).toBe(403);
    });

    it.each(roles)('lets the role %s through only when the route allows it', async (role) => {
      const token = await signDevToken({
        clinicId,
        role,
        ...(role === 'client' ? { clientId: 'cl_1' } : {}),
      });
      const { status } = await call(route.method, route.path, token);
      const allowed = route.auth.kind === 'jwt' && route.auth.roles.includes(role);
      if (allowed) expect([401, 403]).not.toContain(status);
      else expect(status).toBe(403);
    });
  },
);

describe('routes without a token', () => {
  it('serves GET /health with no auth', async () => {
    const response = await fetch(`${stack.apiUrl}/health`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
  });

  it('answers 404 for an unknown path and 405 for a known path with the wrong method', async () => {
    expect((await fetch(`${stack.apiUrl}/nope`)).status).toBe(404);
    expect((await fetch(`${stack.apiUrl}/health`, { method: 'DELETE' })).status).toBe(405);
  });
});
