import { AsyncLocalStorage } from 'node:async_hooks';
import { type Metrics, metricNames } from '../observability/metrics.ts';

/** How a Stripe call failed: the `kind` dimension of `StripeCallFailed`. */
export const stripeFailureKinds = [
  'key_rejected',
  'permission',
  'object_missing',
  'rejected',
  'unavailable',
] as const;
export type StripeFailureKind = (typeof stripeFailureKinds)[number];

/**
 * The metrics of the invocation under way. Every Stripe call goes through `callStripe` (or `translateStripeError`),
 * deep inside adapters that are built once per container and serve every invocation: the route, worker and schedule
 * kits open this scope around each invocation, so a failure is counted once, where it happens, even when a use case
 * then handles it (a refund left pending, a sweep that skips a clinic), without threading a metrics port through
 * every adapter. Outside a kit (a CLI, a unit test of an adapter) nothing is counted.
 */
const invocationMetrics = new AsyncLocalStorage<Metrics>();

/** Runs `work` with `metrics` as the sink of Stripe call failures (see `countStripeCallFailure`). */
export function withStripeCallMetrics<T>(metrics: Metrics, work: () => T): T {
  return invocationMetrics.run(metrics, work);
}

/** Counts one failed Stripe call as `StripeCallFailed` with its kind, in the invocation's metrics if there are any. */
export function countStripeCallFailure(kind: StripeFailureKind): void {
  invocationMetrics.getStore()?.count(metricNames.stripeCallFailed, { kind });
}
