import type { MetricName } from '@basis/shared';
import type { Duration } from 'aws-cdk-lib';
import { MathExpression, Metric } from 'aws-cdk-lib/aws-cloudwatch';
import { metricsNamespace } from '../config/resource-names.ts';

/**
 * Our own metrics (shared/src/observability/metrics.ts) as CloudWatch sees them: namespace `Basis/<stage>`, and the
 * dimensions Powertools wrote, `service` (the topology's function name) first.
 */
export class CustomMetrics {
  readonly namespace: string;

  constructor(
    stage: string,
    private readonly period: Duration,
  ) {
    this.namespace = metricsNamespace(stage);
  }

  /** One time series: exactly these dimensions (CloudWatch matches a metric by all of them). */
  sum(name: MetricName, dimensions: Record<string, string>, label?: string): Metric {
    return new Metric({
      namespace: this.namespace,
      metricName: name,
      dimensionsMap: dimensions,
      statistic: 'Sum',
      period: this.period,
      ...(label ? { label } : {}),
    });
  }

  /**
   * A Metrics Insights query summing a metric over every dimension value it was written with (optionally filtered,
   * or grouped for a graph): for dimensions whose values are open-ended (internal message kinds) or written by
   * code whose dimensions may grow (the sweep), so that an alarm never misses a new series.
   */
  total(
    name: MetricName,
    options: {
      where?: Record<string, string>;
      /** Dimension values left out, e.g. `{ service: 'connectApi' }`. */
      except?: Record<string, string>;
      groupBy?: readonly string[];
      label?: string;
    } = {},
  ): MathExpression {
    const where = [
      ...Object.entries(options.where ?? {}).map(([key, value]) => `${key} = '${value}'`),
      ...Object.entries(options.except ?? {}).map(([key, value]) => `${key} != '${value}'`),
    ].join(' AND ');
    const expression = [
      `SELECT SUM(${name}) FROM "${this.namespace}"`,
      where ? `WHERE ${where}` : '',
      options.groupBy?.length ? `GROUP BY ${options.groupBy.join(', ')}` : '',
    ]
      .filter((part) => part !== '')
      .join(' ');
    return new MathExpression({
      expression,
      period: this.period,
      usingMetrics: {},
      label: options.label ?? name,
    });
  }
}
