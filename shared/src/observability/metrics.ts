import type { Logger as PowertoolsLogger } from '@aws-lambda-powertools/logger';
import { MetricUnit, Metrics as PowertoolsMetrics } from '@aws-lambda-powertools/metrics';

/**
 * The custom metrics (CloudWatch EMF, one namespace per stage) that alarms watch. Names are CloudWatch metric
 * names; dimensions are few and bounded (route, queue, outcome, reason, kind), never a clinic: per-clinic values go
 * into metadata, which CloudWatch keeps in the log line without making a metric of each (cost stays flat).
 * Powertools adds the dimension `service` (the topology's function name, e.g. `paymentsApi`) to every metric, so
 * an alarm on one names it too (infra/lib/monitoring/basis-alarms.ts).
 */
export const metricNames = {
  /** An API request answered 5xx (dimension `route`). */
  apiServerError: 'ApiServerError',
  /** A webhook accepted and enqueued (dimension `mode`). */
  webhookAccepted: 'WebhookAccepted',
  /** A correctly signed webhook of a type no worker handles. */
  webhookIgnored: 'WebhookIgnored',
  /** A webhook refused (dimension `reason`: the error code, e.g. `invalid_signature`). */
  webhookRefused: 'WebhookRefused',
  /** A verified webhook that could not be enqueued (answered 503; Stripe retries). */
  webhookEnqueueFailed: 'WebhookEnqueueFailed',
  /** One record's outcome in a worker (dimensions `queue`, `outcome`: applied, duplicate, stale, ignored, failed). */
  workerOutcome: 'WorkerOutcome',
  /** An internal message (refund reconcile, payout continuation) failed (dimensions `queue`, `kind`). */
  internalMessageFailed: 'InternalMessageFailed',
  /** Events the missed-event sweep found missing and enqueued. */
  sweepHealed: 'SweepHealedEvents',
  /** An event the sweep could not enqueue (recorded failed, skipped). */
  sweepFailed: 'SweepFailedEvents',
  /** A Stripe call failed (dimension `kind`: key_rejected, permission, object_missing, rejected, unavailable). */
  stripeCallFailed: 'StripeCallFailed',
  /**
   * The refunds worker's delayed reconcile found a refund still `pending` without Stripe's answer (the API's call to
   * Stripe timed out or its answer was lost); it asks Stripe again with the same key. Metadata: clinic, payment.
   */
  refundStuckPending: 'RefundStuckPending',
} as const;

export type MetricName = (typeof metricNames)[keyof typeof metricNames];

/** The port code counts with: one count of a named metric, with bounded dimensions and free metadata. */
export interface Metrics {
  count(
    name: MetricName,
    dimensions?: Readonly<Record<string, string>>,
    metadata?: Readonly<Record<string, string>>,
  ): void;
}

/** Counts nothing: for tests that measure something else. */
export const noMetrics: Metrics = { count() {} };

/**
 * Powertools Metrics for one function. Metrics without dimensions are buffered and flushed once per invocation by
 * the `logMetrics` middleware; a metric with its own dimensions is written at once as its own EMF line (Powertools'
 * single metric), so two records of one batch can carry different outcomes.
 */
export function createMetrics(serviceName: string, logger: PowertoolsLogger): PowertoolsMetrics {
  return new PowertoolsMetrics({
    serviceName,
    defaultDimensions: {},
    // An invocation that counted nothing is normal here (a successful read, say): Powertools' warning about it
    // would be one WARN line per invocation, so it is demoted to DEBUG; every other metrics warning stays.
    logger: {
      debug: (message: unknown) => logger.debug(String(message)),
      info: (message: unknown) => logger.info(String(message)),
      error: (message: unknown) => logger.error(String(message)),
      warn: (message: unknown) => {
        const text = String(message);
        if (text.startsWith('No application metrics to publish')) logger.debug(text);
        else logger.warn(text);
      },
    },
  });
}

/** Our Metrics port over a Powertools Metrics instance. */
export function powertoolsMetricsPort(metrics: PowertoolsMetrics): Metrics {
  // One single-metric instance, made on first use and reused: `singleMetric()` builds a new Metrics (a Console and
  // its environment read) each call, which was most of webhook ingest's CPU per event. Reuse is safe: a single
  // metric publishes and clears its dimensions and metadata inside the synchronous `addMetric` below, so no other
  // count can interleave.
  let single: PowertoolsMetrics | undefined;
  return {
    count(name, dimensions, metadata) {
      const dimensioned = dimensions !== undefined && Object.keys(dimensions).length > 0;
      if (dimensioned) single ??= metrics.singleMetric();
      const target = dimensioned && single ? single : metrics;
      for (const [key, value] of Object.entries(dimensions ?? {})) target.addDimension(key, value);
      for (const [key, value] of Object.entries(metadata ?? {})) target.addMetadata(key, value);
      target.addMetric(name, MetricUnit.Count, 1);
    },
  };
}
