import type { FunctionName } from '@basis/shared';
import { Duration } from 'aws-cdk-lib';
import { Dashboard, GraphWidget, type IMetric } from 'aws-cdk-lib/aws-cloudwatch';
import { Construct } from 'constructs';
import { resourceName } from '../config/resource-names.ts';
import { functionEntries, queueEntries } from '../config/topology-entries.ts';
import type { BasisFunction } from '../functions/basis-function.ts';
import type { StatefulResources } from '../stateful/stateful-resources.ts';

export interface BasisDashboardProps {
  functions: Readonly<Record<FunctionName, BasisFunction>>;
  queues: StatefulResources['queues'];
  /** The dashboard is `basis-<stage>`. */
  stage: string;
}

const period = Duration.minutes(1);
const width = 8;

/** One screen for the on-call engineer: queue depth and age, dead letters, and each function's health. */
export class BasisDashboard extends Construct {
  readonly dashboard: Dashboard;

  constructor(scope: Construct, id: string, props: BasisDashboardProps) {
    super(scope, id);
    const queues = queueEntries().map(([name]) => ({ name, ...props.queues[name] }));
    const functions = functionEntries().map(([name]) => ({ name, fn: props.functions[name] }));
    const graph = (title: string, left: IMetric[]): GraphWidget => new GraphWidget({ title, left, width });

    this.dashboard = new Dashboard(this, 'Dashboard', {
      dashboardName: resourceName(props.stage),
      defaultInterval: Duration.hours(3),
    });
    this.dashboard.addWidgets(
      graph(
        'Queue depth (visible messages)',
        queues.map(({ name, queue }) =>
          queue.metricApproximateNumberOfMessagesVisible({ period, statistic: 'Maximum', label: name }),
        ),
      ),
      graph(
        'Oldest message age (s)',
        queues.map(({ name, queue }) =>
          queue.metricApproximateAgeOfOldestMessage({ period, statistic: 'Maximum', label: name }),
        ),
      ),
      graph(
        'Dead-letter queue depth',
        queues.map(({ name, deadLetterQueue }) =>
          deadLetterQueue.metricApproximateNumberOfMessagesVisible({
            period,
            statistic: 'Maximum',
            label: name,
          }),
        ),
      ),
    );
    this.dashboard.addWidgets(
      graph(
        'Function errors',
        functions.map(({ name, fn }) => fn.metricErrors({ period, statistic: 'Sum', label: name })),
      ),
      graph(
        'Function duration p99 (ms)',
        functions.map(({ name, fn }) => fn.metricDuration({ period, statistic: 'p99', label: name })),
      ),
      graph(
        'Function throttles',
        functions.map(({ name, fn }) => fn.metricThrottles({ period, statistic: 'Sum', label: name })),
      ),
    );
  }
}
