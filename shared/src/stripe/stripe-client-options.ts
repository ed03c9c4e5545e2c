import { type FunctionName, functions, httpRoutes } from '../topology.ts';

/** API Gateway HTTP APIs end every integration after 30 s, whatever the function's own timeout. */
export const apiGatewayIntegrationTimeoutSeconds = 30;

/** The Stripe SDK's backoff before retry n (1-based), at its longest: 0.5 s doubling, capped at 5 s (stripe-node). */
export function stripeRetryBackoffMs(retry: number): number {
  return Math.min(500 * 2 ** (retry - 1), 5_000);
}

/** How long one Stripe call may take in all: its request timeout and its network retries. */
export interface StripeCallLimits {
  /** Per attempt, milliseconds (the SDK's `timeout`). */
  timeoutMs: number;
  /** Retries after a network failure, 409, 429 or 5xx (the SDK's `maxNetworkRetries`), each with the same key. */
  maxNetworkRetries: number;
}

/** The longest one Stripe call can take with these limits, every attempt timing out and every backoff at its longest. */
export function stripeCallWorstCaseMs(limits: StripeCallLimits): number {
  let total = limits.timeoutMs * (limits.maxNetworkRetries + 1);
  for (let retry = 1; retry <= limits.maxNetworkRetries; retry += 1) total += stripeRetryBackoffMs(retry);
  return total;
}

/** The seconds a function has to answer: its own timeout, and API Gateway's limit when it serves a route. */
export function functionDeadlineSeconds(name: FunctionName): number {
  const own = functions[name].timeoutSeconds;
  const servesHttp = httpRoutes.some((route) => route.function === name);
  return servesHttp ? Math.min(own, apiGatewayIntegrationTimeoutSeconds) : own;
}

/** The longest per-attempt timeout we use: Stripe answers well within it when it is healthy. */
const maxAttemptTimeoutMs = 20_000;

/**
 * The Stripe client's limits for a function, derived from the topology's `timeoutSeconds`: one call, retries and
 * backoffs included, takes at most half of the function's deadline, so the function still has time to record
 * what happened (a refund left `pending`, a 202) before Lambda or API Gateway cut it off. Short functions (APIs)
 * retry once; long ones (workers of 60 s and more) twice.
 */
export function stripeCallLimitsFor(name: FunctionName): StripeCallLimits {
  const budgetMs = (functionDeadlineSeconds(name) * 1000) / 2;
  const maxNetworkRetries = functions[name].timeoutSeconds >= 60 ? 2 : 1;
  let backoffMs = 0;
  for (let retry = 1; retry <= maxNetworkRetries; retry += 1) backoffMs += stripeRetryBackoffMs(retry);
  const timeoutMs = Math.min(
    maxAttemptTimeoutMs,
    Math.floor((budgetMs - backoffMs) / (maxNetworkRetries + 1)),
  );
  return { timeoutMs, maxNetworkRetries };
}
