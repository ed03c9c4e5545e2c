import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import Stripe from 'stripe';

/** Test helpers: SDK clients against the simulator, `/_sim` calls, webhook receivers, fixtures. */
export function newKey(prefix: 'sk_test' | 'sk_live' | 'rk_test' = 'sk_test'): string {
  return `${prefix}_${randomBytes(12).toString('hex')}`;
}

export function stripeClient(port: number, key: string): Stripe {
  return new Stripe(key, { host: '127.0.0.1', port, protocol: 'http', maxNetworkRetries: 0 });
}

export async function simCall<T = Record<string, unknown>>(
  url: string,
  key: string,
  method: 'GET' | 'POST' | 'DELETE',
  path: string,
  params: Record<string, string> = {},
): Promise<{ status: number; body: T }> {
  const encoded = new URLSearchParams(params).toString();
  const target = method === 'GET' && encoded ? `${url}${path}?${encoded}` : `${url}${path}`;
  const response = await fetch(target, {
    method,
    headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/x-www-form-urlencoded' },
    ...(method === 'GET' ? {} : { body: encoded }),
  });
  return { status: response.status, body: (await response.json()) as T };
}

export interface ReceivedWebhook {
  headers: http.IncomingHttpHeaders;
  body: string;
  receivedAt: number;
}

export interface Receiver {
  url: string;
  received: ReceivedWebhook[];
  close(): Promise<void>;
}

/** A webhook endpoint on 127.0.0.1; `status(n)` decides the answer to the n-th request (0-based). */
export async function startReceiver(status: (index: number) => number = () => 200): Promise<Receiver> {
  const received: ReceivedWebhook[] = [];
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const index = received.length;
      received.push({
        headers: request.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        receivedAt: Date.now(),
      });
      const code = status(index);
      response.writeHead(code, { 'Content-Type': 'application/json' });
      response.end(JSON.stringify({ received: code < 300, index }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/webhook`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

export async function waitFor<T>(
  probe: () => T | undefined | Promise<T | undefined>,
  timeoutMs = 5000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error('waitFor: timed out');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** The error a call fails with (the test fails if it succeeds). */
export async function caught(promise: Promise<unknown>): Promise<Stripe.errors.StripeError> {
  try {
    await promise;
  } catch (error) {
    return error as Stripe.errors.StripeError;
  }
  throw new Error('expected the call to fail');
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

const FIXTURES = new URL('../../test/fixtures/stripe/', import.meta.url);

export function fixtureKeys(name: string): string[] {
  return Object.keys(
    JSON.parse(readFileSync(new URL(`${name}.json`, FIXTURES), 'utf8')) as Record<string, unknown>,
  );
}

export function missingKeys(object: object, fixture: string): string[] {
  return fixtureKeys(fixture).filter((key) => !(key in object));
}
