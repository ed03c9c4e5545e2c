import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import type { Observability } from '../observability/observability.ts';
import { withStripeCallMetrics } from '../stripe/stripe-call-metrics.ts';

/** A Lambda handler an EventBridge schedule invokes (the event carries nothing the work needs). */
export type ScheduledHandler = (event: unknown, context: Context) => Promise<unknown>;

/**
 * A function run on a schedule (topology: `schedule`), with the same Powertools middlewares as the route and worker
 * kits. A throw fails the invocation, which Lambda's `Errors` metric and its alarm see.
 */
export function scheduledFunction(
  observability: Observability,
  work: () => Promise<unknown>,
): ScheduledHandler {
  return middy(async () => withStripeCallMetrics(observability.metrics, work))
    .use(injectLambdaContext(observability.logger, { resetKeys: true }))
    .use(logMetrics(observability.powertoolsMetrics)) as unknown as ScheduledHandler;
}
