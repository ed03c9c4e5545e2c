import { corsPolicy } from '@basis/shared';

/**
 * API Gateway's CORS configuration, played locally (docs/api.md, "Browsers (CORS)"; infra/lib/api/cors.ts is the AWS
 * side). In AWS, once an HTTP API has a CORS configuration, API Gateway answers preflights itself (before any route
 * or JWT authorizer) and decides every response's CORS headers, ignoring the integration's; the local gateway does
 * the same, for the `/v1` routes only (the webhook routes and `/health` never send CORS headers).
 */
export interface LocalCors {
  /** Whether the path is one CORS applies to (the `/v1` routes). */
  appliesTo(pathname: string): boolean;
  /**
   * The answer to a preflight (`OPTIONS` with `Origin` and `Access-Control-Request-Method`): 204 with the policy's
   * headers for an allowed origin, 204 with none for any other. Undefined when the request is not a preflight.
   */
  preflight(headers: Readonly<Record<string, string>>): Record<string, string> | undefined;
  /**
   * A response's headers as API Gateway sends them: the integration's own `access-control-*` headers dropped, and
   * for an allowed `Origin` the allowed origin and the exposed headers added.
   */
  onResponse(
    requestHeaders: Readonly<Record<string, string>>,
    responseHeaders: Readonly<Record<string, string>>,
  ): Record<string, string>;
}

/** CORS for the given exact origins; with none, no CORS at all (as an HTTP API without a CORS configuration). */
export function localCors(allowedOrigins: readonly string[]): LocalCors | undefined {
  if (allowedOrigins.length === 0) return undefined;
  const allowed = new Set(allowedOrigins);
  const allowedOrigin = (headers: Readonly<Record<string, string>>) => {
    const origin = headers.origin;
    return origin !== undefined && allowed.has(origin) ? origin : undefined;
  };
  return {
    appliesTo: (pathname) => pathname === '/v1' || pathname.startsWith('/v1/'),
    preflight(headers): Record<string, string> | undefined {
      if (headers.origin === undefined || headers['access-control-request-method'] === undefined)
        return undefined;
      const origin = allowedOrigin(headers);
      if (!origin) return {} as Record<string, string>;
      return {
        'access-control-allow-origin': origin,
        'access-control-allow-methods': corsPolicy.methods.join(','),
        'access-control-allow-headers': corsPolicy.allowHeaders.join(','),
        'access-control-max-age': String(corsPolicy.maxAgeSeconds),
        vary: 'origin',
      };
    },
    onResponse(requestHeaders, responseHeaders) {
      const headers = Object.fromEntries(
        Object.entries(responseHeaders).filter(([name]) => !name.toLowerCase().startsWith('access-control-')),
      );
      const origin = allowedOrigin(requestHeaders);
      if (!origin) return headers;
      return {
        ...headers,
        'access-control-allow-origin': origin,
        'access-control-expose-headers': corsPolicy.exposeHeaders.join(','),
        vary: 'origin',
      };
    },
  };
}
