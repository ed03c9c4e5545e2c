import { type BasisApiClient, createBasisApiClient } from '@basis/api-client';

/** The roles of docs/api.md ("Auth"). */
export type Role = 'clinic_admin' | 'staff' | 'client';
export type Mode = 'test' | 'live';

/**
 * What the console remembers between screens (in this tab's sessionStorage, so a reload keeps it): the clinic and
 * mode it works on, the client it books for, the keys it made up on the Connect screen (only the simulator's
 * helpers need the secret key: a real frontend never holds one), and the last service, booking and payment.
 */
export interface SessionState {
  clinicId: string;
  mode: Mode;
  clientId: string;
  serviceId: string;
  secretKey?: string;
  publishableKey?: string;
  bookingId?: string;
  paymentId?: string;
}

const storageKey = 'basis-console';

function load(): SessionState {
  const saved = sessionStorage.getItem(storageKey);
  const defaults: SessionState = {
    clinicId: 'clinic_demo',
    mode: 'test',
    clientId: 'client_1',
    serviceId: 'svc_checkup',
  };
  return saved ? { ...defaults, ...(JSON.parse(saved) as Partial<SessionState>) } : defaults;
}

export const session: SessionState = load();

/** Changes the session and keeps it for the tab. */
export function remember(changes: Partial<SessionState>): void {
  Object.assign(session, changes);
  sessionStorage.setItem(storageKey, JSON.stringify(session));
}

/** The local console's settings, from the local server (`GET /console/config.json`). */
export interface ConsoleConfig {
  /** The Stripe simulator's URL, which stands in for api.stripe.com (what Stripe.js calls). */
  stripeApiUrl: string;
}

let config: Promise<ConsoleConfig> | undefined;
export function consoleConfig(): Promise<ConsoleConfig> {
  config ??= fetch('/console/config.json').then((response) => response.json() as Promise<ConsoleConfig>);
  return config;
}

const tokens = new Map<string, Promise<string>>();

/**
 * A dev token for the role, from the LOCAL-ONLY `POST /_local/token` of `npm start` (signed with the public dev key
 * of local/src/dev-jwt.ts). A real frontend gets its token from Basis's sign-in (the OIDC issuer) instead.
 */
export function devToken(role: Role): Promise<string> {
  const clientId = role === 'client' ? session.clientId : undefined;
  const key = `${session.clinicId}/${role}/${clientId ?? ''}`;
  let token = tokens.get(key);
  if (!token) {
    token = fetch('/_local/token', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ clinicId: session.clinicId, role, ...(clientId ? { clientId } : {}) }),
    }).then(async (response) => {
      const body = (await response.json()) as { token?: string; error?: { message: string } };
      if (!response.ok || !body.token)
        throw new Error(body.error?.message ?? `token: HTTP ${response.status}`);
      return body.token;
    });
    token.catch(() => tokens.delete(key));
    tokens.set(key, token);
  }
  return token;
}

/** The typed API client, signed in as the role (same origin: no CORS needed). */
export function api(role: Role): BasisApiClient {
  return createBasisApiClient({ baseUrl: window.location.origin, token: () => devToken(role) });
}

/** An error answer of the API: its code, message and request id (to find the log line). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly requestId: string | undefined,
  ) {
    super(message);
  }
}

/**
 * The data of a typed-client answer, or an `ApiError` thrown from its error body
 * (`{"error": {"code", "message", "requestId"}}`).
 */
export function unwrap<T>(result: { data?: T; error?: unknown; response: Response }): T {
  if (result.error === undefined && result.response.ok) return result.data as T;
  const body = (result.error ?? {}) as { error?: { code?: string; message?: string; requestId?: string } };
  throw new ApiError(
    result.response.status,
    body.error?.code ?? 'http_error',
    body.error?.message ?? result.response.statusText,
    body.error?.requestId ?? result.response.headers.get('x-request-id') ?? undefined,
  );
}
