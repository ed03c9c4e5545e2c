import Stripe from 'stripe';
import { inject } from 'vitest';

/** A Stripe SDK client on the simulator, for tests that act as the clinic, Stripe.js or the dashboard. */
export function simStripe(): Stripe {
  const url = new URL(inject('stripeApiUrl'));
  return new Stripe('sk_test_placeholder_tests_pass_keys_per_request', {
    host: url.hostname,
    port: Number(url.port),
    protocol: 'http',
    maxNetworkRetries: 0,
  });
}

/** Calls a simulator-only `/_sim/…` route, authenticated with an account's key. */
export async function simCall(
  method: 'GET' | 'POST' | 'DELETE',
  path: string,
  key: string,
  form: Record<string, string> = {},
): Promise<Record<string, unknown>> {
  const body = new URLSearchParams(form).toString();
  const url = `${inject('stripeApiUrl')}${path}${method === 'GET' && body ? `?${body}` : ''}`;
  const response = await fetch(url, {
    method,
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/x-www-form-urlencoded' },
    ...(method === 'GET' ? {} : { body }),
  });
  const json = (await response.json()) as Record<string, unknown>;
  if (!response.ok) throw new Error(`${method} ${path} → ${response.status} ${JSON.stringify(json)}`);
  return json;
}

/** A fresh simulator account: each distinct key suffix is an account of its own. */
export function newTestAccountKeys() {
  const suffix = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 12)}`;
  return {
    secretKey: `sk_test_${suffix}`,
    restrictedKey: `rk_test_${suffix}`,
    publishableKey: `pk_test_${suffix}`,
  };
}
