import type { Logger as PowertoolsLogger } from '@aws-lambda-powertools/logger';
import type { LogLevel } from '@aws-lambda-powertools/logger/types';
import type { Metrics as PowertoolsMetrics } from '@aws-lambda-powertools/metrics';
import { createLogger } from './logger.ts';
import { createMetrics, type Metrics, powertoolsMetricsPort } from './metrics.ts';

/**
 * Logs and metrics of one function, both Powertools: the route and worker kits wire their middlewares
 * (`injectLambdaContext`, `logMetrics`).
 *
 * No tracer in the code. Powertools Tracer pulls in aws-xray-sdk-core (with semver and cls-hooked, ~110 KB of
 * minified bundle) and added about a third of an SQS-only bundle's cold load to every function, for subsegments on
 * the few invocations X-Ray samples. The traces that remain are Lambda's own (infra: active tracing on the API
 * functions, whose segments show initialization, invocation and overhead; PassThrough on webhook ingest and the
 * workers, whose volume is Stripe's): docs/architecture.md, "Bundles, logs and traces".
 */
export interface Observability {
  service: string;
  logger: PowertoolsLogger;
  powertoolsMetrics: PowertoolsMetrics;
  /** The metrics port handed to use cases. */
  metrics: Metrics;
}

/**
 * Builds a function's observability. `service` names the function, e.g. `paymentsApi`. The log level comes from
 * `POWERTOOLS_LOG_LEVEL` unless `options.logLevel` is given (tests pass `SILENT`).
 */
export function createObservability(service: string, options: { logLevel?: LogLevel } = {}): Observability {
  const logger = createLogger(service, options.logLevel);
  const powertoolsMetrics = createMetrics(service, logger);
  return {
    service,
    logger,
    powertoolsMetrics,
    metrics: powertoolsMetricsPort(powertoolsMetrics),
  };
}
