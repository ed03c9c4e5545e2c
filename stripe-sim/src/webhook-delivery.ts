import http from 'node:http';
import https from 'node:https';
import type { StripeEvent, WebhookEndpoint } from './objects.ts';
import { signatureHeader } from './signature.ts';
import type { AccountState, DeliveryRecord } from './store.ts';
import type { TimerSet } from './timers.ts';

export interface DeliveryOptions {
  retryDelaysMs: readonly number[];
  timeoutMs: number;
  log: (line: string) => void;
}

interface Attempt {
  account: AccountState;
  eventId: string;
  endpointId: string;
  attempt: number;
  copy: number;
}

interface PostResult {
  statusCode: number | null;
  body: string | null;
  error: string | null;
}

const USER_AGENT = 'Stripe/1.0 (+https://stripe.com/docs/webhooks)';
const EXCERPT_LENGTH = 500;

export function endpointWants(endpoint: WebhookEndpoint, type: string): boolean {
  return (
    endpoint.status === 'enabled' &&
    (endpoint.enabled_events.includes('*') || endpoint.enabled_events.includes(type))
  );
}

/**
 * Delivers events to the account's endpoints asynchronously, signed as Stripe signs, retried on a
 * non-2xx answer or a connection error along the retry schedule. Chaos (per account) may drop,
 * duplicate, delay or shuffle deliveries.
 */
export class WebhookDispatcher {
  private readonly inFlight = new Set<http.ClientRequest>();

  constructor(
    private readonly timers: TimerSet,
    private readonly options: DeliveryOptions,
  ) {}

  dispatch(account: AccountState, event: StripeEvent, endpoints: readonly WebhookEndpoint[]): void {
    for (const endpoint of endpoints) {
      if (account.chaos.shouldDrop()) {
        this.record(
          account,
          { account, eventId: event.id, endpointId: endpoint.id, attempt: 0, copy: 0 },
          endpoint,
          {
            statusCode: null,
            body: null,
            error: 'dropped by chaos',
          },
        );
        continue;
      }
      for (let copy = 1; copy <= account.chaos.copies; copy += 1) {
        account.pendingDeliveries += 1;
        const job: Attempt = { account, eventId: event.id, endpointId: endpoint.id, attempt: 1, copy };
        const send = () => this.timers.schedule(account.chaos.delayMs, () => this.attempt(job));
        account.chaos.enqueue(send, (windowMs, release) => this.timers.schedule(windowMs, release));
      }
    }
  }

  close(): void {
    for (const request of this.inFlight) request.destroy();
    this.inFlight.clear();
  }

  private attempt(job: Attempt): void {
    const { account } = job;
    const event = account.find('event', job.eventId);
    const endpoint = account.find('webhook_endpoint', job.endpointId);
    const secret = account.endpointSecrets.get(job.endpointId);
    if (!event || !endpoint || !secret || endpoint.status !== 'enabled') {
      account.pendingDeliveries -= 1;
      return;
    }
    const payload = JSON.stringify(
      { ...event, api_version: endpoint.api_version ?? event.api_version },
      null,
      2,
    );
    const header = signatureHeader(payload, secret, Math.floor(Date.now() / 1000));
    void this.post(endpoint.url, payload, header).then((result) => this.settle(job, endpoint, result));
  }

  private settle(job: Attempt, endpoint: WebhookEndpoint, result: PostResult): void {
    if (this.timers.isClosed) return;
    const { account } = job;
    const ok = result.statusCode !== null && result.statusCode >= 200 && result.statusCode < 300;
    this.record(account, job, endpoint, result);
    if (ok) {
      const pair = `${job.eventId}:${job.endpointId}`;
      const event = account.find('event', job.eventId);
      if (event && !account.delivered.has(pair)) {
        account.delivered.add(pair);
        event.pending_webhooks = Math.max(0, event.pending_webhooks - 1);
      }
      account.pendingDeliveries -= 1;
      return;
    }
    const delay = this.options.retryDelaysMs[job.attempt - 1];
    if (delay === undefined) {
      account.pendingDeliveries -= 1;
      this.options.log(`webhook ${job.eventId} → ${endpoint.url}: gave up after ${job.attempt} attempts`);
      return;
    }
    this.timers.schedule(delay, () => this.attempt({ ...job, attempt: job.attempt + 1 }));
  }

  private record(account: AccountState, job: Attempt, endpoint: WebhookEndpoint, result: PostResult): void {
    const event = account.find('event', job.eventId);
    const ok = result.statusCode !== null && result.statusCode >= 200 && result.statusCode < 300;
    const entry: DeliveryRecord = {
      event_id: job.eventId,
      event_type: event?.type ?? 'unknown',
      endpoint_id: endpoint.id,
      url: endpoint.url,
      attempt: job.attempt,
      copy: job.copy,
      outcome: job.attempt === 0 ? 'dropped' : ok ? 'succeeded' : 'failed',
      status_code: result.statusCode,
      error: result.error,
      response_body_excerpt: result.body === null ? null : result.body.slice(0, EXCERPT_LENGTH),
      time: new Date().toISOString(),
    };
    account.deliveries.push(entry);
  }

  private post(url: string, payload: string, signature: string): Promise<PostResult> {
    return new Promise((resolve) => {
      let target: URL;
      try {
        target = new URL(url);
      } catch {
        resolve({ statusCode: null, body: null, error: `invalid url ${url}` });
        return;
      }
      const client = target.protocol === 'https:' ? https : http;
      const request = client.request(
        target,
        {
          method: 'POST',
          agent: false,
          timeout: this.options.timeoutMs,
          headers: {
            'Content-Type': 'application/json; charset=utf-8',
            'Content-Length': Buffer.byteLength(payload),
            'User-Agent': USER_AGENT,
            'Stripe-Signature': signature,
            'Cache-Control': 'no-cache',
            Accept: '*/*; q=0.5, application/xml',
          },
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () => {
            this.inFlight.delete(request);
            resolve({
              statusCode: response.statusCode ?? null,
              body: Buffer.concat(chunks).toString('utf8'),
              error: null,
            });
          });
          response.on('error', (error) => {
            this.inFlight.delete(request);
            resolve({ statusCode: null, body: null, error: error.message });
          });
        },
      );
      this.inFlight.add(request);
      request.on('timeout', () => request.destroy(new Error('timed out')));
      request.on('error', (error) => {
        this.inFlight.delete(request);
        resolve({ statusCode: null, body: null, error: error.message });
      });
      request.end(payload);
    });
  }
}
