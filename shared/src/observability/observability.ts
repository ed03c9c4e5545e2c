import type { Logger as PowertoolsLogger } from '@aws-lambda-powertools/logger';
import type { LogLevel } from '@aws-lambda-powertools/logger/types';
import type { Metrics as PowertoolsMetrics } from '@aws-lambda-powertools/metrics';
import { Tracer } from '@aws-lambda-powertools/tracer';
import { createLogger } from './logger.ts';
import { createMetrics, type Metrics, powertoolsMetricsPort } from './metrics.ts';

/**
 * Logs, metrics and traces of one function, all Powertools: the route and worker kits wire their middlewares
 * (`injectLambdaContext`, `logMetrics`, `captureLambdaHandler`), and the composition roots trace AWS SDK clients
 * with `tracer.captureAWSv3Client`. Outside Lambda the tracer switches itself off.
 */
export interface Observability {
  service: string;
  logger: PowertoolsLogger;
  powertoolsMetrics: PowertoolsMetrics;
  tracer: Tracer;
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
    tracer: new Tracer({ serviceName: service }),
    metrics: powertoolsMetricsPort(powertoolsMetrics),
  };
}
