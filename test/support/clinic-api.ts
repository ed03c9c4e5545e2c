import type Stripe from 'stripe';
import { expect } from 'vitest';
import { signDevToken } from '../../local/src/dev-jwt.ts';
import type { LocalStack } from '../../local/src/local-stack.ts';
import { newTestAccountKeys, simStripe } from './stripe-sim-client.ts';

// biome-ignore lint/suspicious/noExplicitAny: tests walk arbitrary JSON bodies of the API's answers
export type Json = Record<string, any>;

/**
 * Calls the API as a user with a bearer token; answers the status and the parsed JSON body. `onBody` sees every
 * raw body (a test that proves no secret is ever answered collects them).
 */
export function apiClient(apiUrl: string, onBody: (text: string) => void = () => {}) {
  return async (
    method: string,
    path: string,
    token: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ) => {
    const response = await fetch(`${apiUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...headers },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    onBody(text);
    return { status: response.status, body: (text ? JSON.parse(text) : undefined) as Json };
  };
}

/** A clinic connected to its own simulator account, and helpers that call the API as its users would. */
export async function connectedClinic(stack: LocalStack, clinicId: string) {
  const keys = newTestAccountKeys();
  const tokens = {
    admin: await signDevToken({ clinicId, role: 'clinic_admin' }),
    staff: await signDevToken({ clinicId, role: 'staff' }),
    client: (clientId: string) => signDevToken({ clinicId, role: 'client', clientId }),
  };
  const api = apiClient(stack.apiUrl);
  const connected = await api('PUT', `/v1/clinics/${clinicId}/stripe/test`, tokens.admin, {
    publishableKey: keys.publishableKey,
    secretKey: keys.secretKey,
  });
  expect(connected.status).toBe(200);
  const stripe: Stripe = simStripe();
  return { clinicId, keys, tokens, api, stripe, base: `/v1/clinics/${clinicId}` };
}

export type ConnectedClinic = Awaited<ReturnType<typeof connectedClinic>>;
