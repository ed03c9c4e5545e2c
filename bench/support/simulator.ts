import Stripe from 'stripe';

/** The Stripe simulator as the bench drives it: the SDK for Stripe's own API, `simCall` for `/_sim/…` routes. */
export interface Simulator {
  url: string;
  /** One SDK client on the simulator; each call passes the account's key (`apiKey`). */
  stripe: Stripe;
  call(
    method: 'GET' | 'POST' | 'DELETE',
    path: string,
    key: string,
    form?: Record<string, string>,
  ): Promise<Record<string, unknown>>;
}

export function simulator(url: string): Simulator {
  const parsed = new URL(url);
  const stripe = new Stripe('sk_test_placeholder_bench_passes_keys_per_request', {
    host: parsed.hostname,
    port: Number(parsed.port),
    protocol: 'http',
    maxNetworkRetries: 2,
  });
  return {
    url,
    stripe,
    async call(method, path, key, form = {}) {
      const body = new URLSearchParams(form).toString();
      const response = await fetch(`${url}${path}${method === 'GET' && body ? `?${body}` : ''}`, {
        method,
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/x-www-form-urlencoded' },
        ...(method === 'GET' ? {} : { body }),
      });
      const json = (await response.json()) as Record<string, unknown>;
      if (!response.ok)
        throw new Error(`bench: ${method} ${path} → ${response.status} ${JSON.stringify(json)}`);
      return json;
    },
  };
}
