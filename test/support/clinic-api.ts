import type Stripe from 'stripe';
import { expect } from 'vitest';
import { type BasisApiClient, createBasisApiClient } from '../../clients/basis-api/src/index.ts';
import { signDevToken } from '../../local/src/dev-jwt.ts';
import type { LocalStack } from '../../local/src/local-stack.ts';
import { contractCheck, pathTemplateOf } from './contract-check.ts';
import { newTestAccountKeys, simStripe } from './stripe-sim-client.ts';

// biome-ignore lint/suspicious/noExplicitAny: tests walk arbitrary JSON bodies of the API's answers
export type Json = Record<string, any>;

/** The typed client (@basis/api-client) of a local stack, its every answer held to the contract. */
export function typedClient(apiUrl: string, token?: string): BasisApiClient {
  const client = createBasisApiClient({ baseUrl: apiUrl, ...(token ? { token } : {}) });
  client.use(contractCheck());
  return client;
}

type Method = 'GET' | 'PUT' | 'POST' | 'DELETE';

/**
 * Calls the API as a user with a bearer token, through the generated typed client: the concrete path is matched to
 * the contract's path template (a path the contract lacks fails the test), and every answer is held to the
 * contract (contract-check.ts). Answers the status and the parsed JSON body. `onBody` sees every raw body (a test
 * that proves no secret is ever answered collects them).
 */
export function apiClient(apiUrl: string, onBody: (text: string) => void = () => {}) {
  const client = typedClient(apiUrl);
  return async (
    method: string,
    path: string,
    token: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ) => {
    const url = new URL(path, apiUrl);
    const route = pathTemplateOf(method, url.pathname);
    if (!route)
      throw new Error(`${method} ${url.pathname} is not a route of the contract (docs/openapi.json).`);
    // The template is checked against the document at run time; the typed client's own checks are compile-time.
    const request = client.request as unknown as (
      method: string,
      path: string,
      init: Record<string, unknown>,
    ) => Promise<{ data?: unknown; error?: unknown; response: Response }>;
    const result = await request(method.toLowerCase() as Lowercase<Method>, route.template, {
      params: { path: route.pathParameters, query: Object.fromEntries(url.searchParams.entries()) },
      headers: { authorization: `Bearer ${token}`, ...headers },
      ...(body === undefined ? {} : { body }),
      parseAs: 'text',
    });
    const text =
      typeof result.data === 'string'
        ? result.data
        : result.error === undefined
          ? ''
          : typeof result.error === 'string'
            ? result.error
            : JSON.stringify(result.error);
    onBody(text);
    return { status: result.response.status, body: (text ? JSON.parse(text) : undefined) as Json };
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
