import type { RequestContext } from './core.ts';
import type { FormParams } from './form.ts';
import type { PermissionFamily } from './keys.ts';

export type HttpMethod = 'GET' | 'POST' | 'DELETE';

export interface RouteInput {
  ctx: RequestContext;
  params: FormParams;
  path: Record<string, string>;
}

export interface Route {
  method: HttpMethod;
  pattern: string;
  /** Permission family checked for restricted keys (GET needs read, POST/DELETE write). */
  family: PermissionFamily;
  /** Whether a publishable key may call it (Stripe.js calls, checked against the client secret). */
  publishable?: boolean;
  /** Returns the JSON body of a 200 answer, or throws a StripeApiError. */
  handle(input: RouteInput): unknown;
}

export interface RouteMatch<R> {
  route: R;
  path: Record<string, string>;
}

function matchPattern(pattern: string, segments: readonly string[]): Record<string, string> | undefined {
  const parts = pattern.split('/');
  if (parts.length !== segments.length) return undefined;
  const path: Record<string, string> = {};
  for (let index = 0; index < parts.length; index += 1) {
    const expected = parts[index] ?? '';
    const actual = segments[index] ?? '';
    if (expected.startsWith(':') && actual !== '') path[expected.slice(1)] = decodeURIComponent(actual);
    else if (expected !== actual) return undefined;
  }
  return path;
}

/** Finds the route for a method and path; `:name` segments capture path params. */
export function matchRoute<R extends { method: string; pattern: string }>(
  routes: readonly R[],
  method: string,
  pathname: string,
): RouteMatch<R> | undefined {
  const segments = pathname.replace(/\/+$/, '').split('/');
  for (const route of routes) {
    if (route.method !== method) continue;
    const path = matchPattern(route.pattern, segments);
    if (path) return { route, path };
  }
  return undefined;
}
