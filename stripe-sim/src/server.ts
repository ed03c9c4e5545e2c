import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createContext, SimulatorCore } from './core.ts';
import { apiError, authenticationFailed, StripeApiError, unrecognizedUrl } from './errors.ts';
import { type FormParams, parseForm } from './form.ts';
import { findReplay, fingerprintParams } from './idempotency.ts';
import { randomToken } from './ids.ts';
import { authenticate, checkPermission, type ParsedKey } from './keys.ts';
import { settleBalance } from './resources/balance.ts';
import { runBillingOnSimulatorClock } from './resources/subscription-cycle.ts';
import { matchRoute } from './router.ts';
import { apiRoutes } from './routes.ts';
import { simRoutes } from './sim-routes.ts';
import type { AccountState } from './store.ts';

export interface StripeSimulatorOptions {
  port?: number;
  host?: string;
  /** Delays between webhook attempts; one retry per entry. */
  webhookRetryDelaysMs?: number[];
  /** How long after creation a refund on `pm_card_refundFail` fails. */
  refundFailureDelayMs?: number;
  log?: (line: string) => void;
}

export interface StripeSimulator {
  url: string;
  port: number;
  /**
   * The simulator's clock: the machine's, plus whatever `/_sim/clock/advance` added. Stripe's times (`created`,
   * periods) come from it, so a local stack that asks Stripe for "the last hour" must ask by this clock.
   */
  now(): Date;
  close(): Promise<void>;
}

/** The API version accounts default to: the one stripe-node 23 pins. */
export const DEFAULT_API_VERSION = '2026-10-28.endive';
export const DEFAULT_RETRY_DELAYS_MS = [200, 1000, 5000, 15000];

interface ApiCall {
  method: string;
  pathname: string;
  params: FormParams;
  requestId: string;
  headers: Record<string, string>;
  idempotencyKey: string | null;
  replayed: boolean;
  key?: ParsedKey;
  account?: AccountState;
}

interface Answer {
  status: number;
  body: string;
  headers: Record<string, string>;
}

function json(body: unknown): string {
  return `${JSON.stringify(body, null, 2)}\n`;
}

function errorAnswer(
  error: unknown,
  requestId: string,
  log: (line: string) => void,
): { status: number; body: string } {
  const failure =
    error instanceof StripeApiError
      ? error
      : apiError('An unexpected error occurred in the Stripe simulator.');
  if (!(error instanceof StripeApiError))
    log(`internal error: ${error instanceof Error ? error.stack : String(error)}`);
  const body = { ...failure.body, request_log_url: `https://dashboard.stripe.com/test/logs/${requestId}` };
  return { status: failure.status, body: json({ error: body }) };
}

function readBody(request: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

function header(request: http.IncomingMessage, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

class SimulatorServer {
  constructor(readonly core: SimulatorCore) {}

  async handle(request: http.IncomingMessage, response: http.ServerResponse): Promise<void> {
    const requestId = `req_${randomToken(14)}`;
    const method = (request.method ?? 'GET').toUpperCase();
    const url = new URL(request.url ?? '/', 'http://localhost');
    const headers: Record<string, string> = {
      'Request-Id': requestId,
      'Access-Control-Allow-Origin': '*',
      'Access-Control-Expose-Headers': 'Request-Id, Stripe-Version, Idempotent-Replayed, Original-Request',
    };
    let answer: Answer;
    if (method === 'OPTIONS') {
      answer = {
        status: 204,
        body: '',
        headers: {
          ...headers,
          'Access-Control-Allow-Methods': 'GET, POST, DELETE',
          'Access-Control-Allow-Headers': 'Authorization, Content-Type, Stripe-Version, Idempotency-Key',
        },
      };
    } else {
      const body = await readBody(request);
      const params: FormParams = { ...parseForm(url.search.slice(1)), ...parseForm(body) };
      answer = url.pathname.startsWith('/_sim/')
        ? this.handleSim(request, method, url.pathname, params, requestId, headers)
        : this.handleApi(request, method, url.pathname, params, requestId, headers);
    }
    if (answer.body) answer.headers['Content-Type'] = 'application/json';
    response.writeHead(answer.status, answer.headers);
    response.end(answer.body);
  }

  private handleSim(
    request: http.IncomingMessage,
    method: string,
    pathname: string,
    params: FormParams,
    requestId: string,
    headers: Record<string, string>,
  ): Answer {
    try {
      const match = matchRoute(simRoutes, method, pathname);
      if (!match) throw unrecognizedUrl(method, pathname);
      const key = match.route.perAccount
        ? authenticate(header(request, 'authorization'), this.core.store.revokedKeys, true)
        : undefined;
      if (key && key.kind === 'publishable')
        throw authenticationFailed('Simulator calls need the secret key.');
      const account = key ? this.core.store.accountFor(key) : undefined;
      const body = match.route.handle({
        core: this.core,
        account: account as AccountState,
        key: key as ParsedKey,
        params,
        path: match.path,
      });
      return { status: 200, body: json(body), headers };
    } catch (error) {
      return { ...errorAnswer(error, requestId, this.core.options.log), headers };
    }
  }

  private handleApi(
    request: http.IncomingMessage,
    method: string,
    pathname: string,
    params: FormParams,
    requestId: string,
    headers: Record<string, string>,
  ): Answer {
    const idempotencyKey = header(request, 'idempotency-key') ?? null;
    const call: ApiCall = { method, pathname, params, requestId, headers, idempotencyKey, replayed: false };
    let answer: { status: number; body: string };
    try {
      answer = this.runApi(request, call);
    } catch (error) {
      answer = errorAnswer(error, requestId, this.core.options.log);
    }
    if (idempotencyKey !== null) headers['Idempotency-Key'] = idempotencyKey;
    if (call.account && call.key) {
      call.account.requestLog.push({
        request_id: requestId,
        time: new Date().toISOString(),
        method,
        path: pathname,
        idempotency_key: idempotencyKey,
        idempotent_replayed: call.replayed,
        key_kind: call.key.kind,
        status: answer.status,
      });
    }
    this.core.options.log(`${method} ${pathname} → ${answer.status}${call.replayed ? ' (replayed)' : ''}`);
    return { ...answer, headers };
  }

  /** Runs the call; then loses its answer when a `/_sim/faults` entry says so (the work, or its replay, is done). */
  private runApi(request: http.IncomingMessage, call: ApiCall): { status: number; body: string } {
    const result = this.runApiCall(request, call);
    const lost = call.account?.lostAnswers.find(
      (fault) => fault.remaining > 0 && fault.method === call.method && fault.path === call.pathname,
    );
    if (!lost) return result;
    lost.remaining -= 1;
    return errorAnswer(
      apiError('An unexpected error occurred (simulated: the answer was lost).'),
      call.requestId,
      this.core.options.log,
    );
  }

  /** Authenticates, routes and checks permissions, then runs the call under its idempotency key. */
  private runApiCall(request: http.IncomingMessage, call: ApiCall): { status: number; body: string } {
    const { method, pathname, headers } = call;
    const key = authenticate(header(request, 'authorization'), this.core.store.revokedKeys);
    const account = this.core.store.accountFor(key);
    call.key = key;
    call.account = account;
    headers['Stripe-Version'] = header(request, 'stripe-version') ?? account.apiVersion;
    const match = matchRoute(apiRoutes, method, pathname);
    if (!match) throw unrecognizedUrl(method, pathname);
    const { route } = match;
    if (key.kind === 'publishable' && !route.publishable) {
      throw authenticationFailed(
        'This API call cannot be made with a publishable API key. Please use a secret API key. You can find a list of your API keys at https://dashboard.stripe.com/account/apikeys.',
      );
    }
    const needs = method === 'GET' ? 'read' : 'write';
    checkPermission(key, this.core.store.permissions.get(key.key), route.family, needs);
    const nowMs = this.core.clock.nowMs();
    settleBalance(account, Math.floor(nowMs / 1000));
    runBillingOnSimulatorClock(this.core, account);
    const idempotencyKey = method === 'POST' ? call.idempotencyKey : null;
    const fingerprint = fingerprintParams(call.params);
    const replay =
      idempotencyKey === null
        ? undefined
        : findReplay(account, idempotencyKey, method, pathname, fingerprint, nowMs);
    if (replay) {
      call.replayed = true;
      headers['Idempotent-Replayed'] = 'true';
      headers['Original-Request'] = replay.requestId;
      return { status: replay.status, body: replay.body };
    }
    const ctx = createContext(
      this.core,
      account,
      key.kind,
      { id: call.requestId, idempotency_key: call.idempotencyKey },
      headers['Stripe-Version'],
    );
    const result = this.execute(
      () => route.handle({ ctx, params: call.params, path: match.path }),
      call.requestId,
    );
    if (idempotencyKey !== null && result.saved) {
      account.idempotency.set(idempotencyKey, {
        method,
        path: pathname,
        fingerprint,
        status: result.status,
        body: result.body,
        requestId: call.requestId,
        savedAtMs: nowMs,
      });
    }
    return result;
  }

  /** Runs a handler; `saved` tells whether an idempotency key should remember the answer. */
  private execute(run: () => unknown, requestId: string): { status: number; body: string; saved: boolean } {
    try {
      return { status: 200, body: json(run()), saved: true };
    } catch (error) {
      const saved = error instanceof StripeApiError && error.savedForIdempotency;
      return { ...errorAnswer(error, requestId, this.core.options.log), saved };
    }
  }
}

/** Starts the simulator on `host:port` (port 0 = a free port). `close()` stops timers, deliveries and the server. */
export async function startStripeSimulator(options: StripeSimulatorOptions = {}): Promise<StripeSimulator> {
  const host = options.host ?? '127.0.0.1';
  const core = new SimulatorCore({
    apiVersion: DEFAULT_API_VERSION,
    retryDelaysMs: options.webhookRetryDelaysMs ?? DEFAULT_RETRY_DELAYS_MS,
    refundFailureDelayMs: options.refundFailureDelayMs ?? 500,
    deliveryTimeoutMs: 10_000,
    log: options.log ?? (() => {}),
  });
  const simulator = new SimulatorServer(core);
  const server = http.createServer((request, response) => {
    simulator.handle(request, response).catch((error: unknown) => {
      core.options.log(`request failed: ${String(error)}`);
      if (!response.headersSent) response.writeHead(500);
      response.end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  let closing: Promise<void> | undefined;
  return {
    url,
    port,
    now: () => new Date(core.clock.nowMs()),
    close: () => {
      closing ??= new Promise<void>((resolve) => {
        core.close();
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
