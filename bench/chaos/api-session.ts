import { signDevToken } from '../support/system.ts';

/** Counts of API answers the workload saw, by status class, and the 5xx by method and path shape. */
export interface ApiTally {
  requests: number;
  serverErrors: Map<string, number>;
}

export interface ApiAnswer {
  status: number;
  // biome-ignore lint/suspicious/noExplicitAny: the bench walks arbitrary JSON bodies of the API's answers
  body: Record<string, any>;
}

/** A clinic's users as the bench plays them, against the local API. */
export interface ClinicSession {
  clinicId: string;
  keys: { secretKey: string; publishableKey: string };
  adminToken: string;
  /**
   * Calls the API; a 5xx is counted and the same request (same idempotency key) is retried, up to `attempts`, as
   * a front end would. Other statuses are answered as they are.
   */
  api(
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
    attempts?: number,
  ): Promise<ApiAnswer>;
}

const shape = (path: string) =>
  path.replace(/\/(pi|re|dp|pm|seti|cus|ch|bk|cl_card)_[A-Za-z0-9]+/g, '/$1_…').split('?')[0];

/**
 * One HTTP exchange; a connection reset (a keep-alive socket the local server closed as it was reused, under heavy
 * load) is sent again at once, up to three times: every request the workload makes is safe to repeat.
 */
async function fetchOnce(url: string, init: RequestInit, resets = 0): Promise<Response> {
  try {
    return await fetch(url, init);
  } catch (error) {
    if (resets >= 3) throw error;
    return fetchOnce(url, init, resets + 1);
  }
}

/** Connects a clinic through the API, letting it register its own webhook endpoint on the simulator account. */
export async function connectClinic(
  apiUrl: string,
  clinicId: string,
  tally: ApiTally,
): Promise<ClinicSession> {
  const suffix = `chaos${clinicId.replace(/[^a-z0-9]/gi, '')}${Math.random().toString(36).slice(2, 8)}`;
  const keys = { secretKey: `sk_test_${suffix}`, publishableKey: `pk_test_${suffix}` };
  const adminToken = await signDevToken({ clinicId, role: 'clinic_admin' });
  const api: ClinicSession['api'] = async (method, path, body, headers = {}, attempts = 25) => {
    for (let attempt = 1; ; attempt++) {
      tally.requests++;
      const response = await fetchOnce(`${apiUrl}/v1/clinics/${clinicId}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${adminToken}`,
          'content-type': 'application/json',
          ...headers,
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await response.text();
      const answer = { status: response.status, body: text ? JSON.parse(text) : {} };
      if (response.status < 500 || attempt >= attempts) return answer;
      const key = `${method} ${shape(path)} ${response.status} ${answer.body?.error?.code ?? ''}`.trim();
      tally.serverErrors.set(key, (tally.serverErrors.get(key) ?? 0) + 1);
      await new Promise((resolve) => setTimeout(resolve, 50 * attempt));
    }
  };
  const connected = await api('PUT', '/stripe/test', keys);
  if (connected.status !== 200) {
    throw new Error(
      `bench: connecting ${clinicId} answered ${connected.status} ${JSON.stringify(connected.body)}`,
    );
  }
  return { clinicId, keys, adminToken, api };
}
