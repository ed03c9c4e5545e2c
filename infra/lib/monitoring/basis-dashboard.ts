import { type FunctionName, metricNames, queues as queueDefinitions } from '@basis/shared';
import { Duration } from 'aws-cdk-lib';
import type { IHttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import {
  Dashboard,
  GraphWidget,
  type IMetric,
  MathExpression,
  Metric,
  TextWidget,
} from 'aws-cdk-lib/aws-cloudwatch';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import { resourceName } from '../config/resource-names.ts';
import { functionEntries, queueEntries } from '../config/topology-entries.ts';
import type { BasisFunction } from '../functions/basis-function.ts';
import type { StatefulResources } from '../stateful/stateful-resources.ts';
import { CustomMetrics } from './custom-metrics.ts';

export interface BasisDashboardProps {
  functions: Readonly<Record<FunctionName, BasisFunction>>;
  queues: StatefulResources['queues'];
  table: ITable;
  httpApi: IHttpApi;
  /** The dashboard is `basis-<stage>`. */
  stage: string;
}

const period = Duration.minutes(1);
const costPeriod = Duration.minutes(5);
const width = 8;

/**
 * One screen per stage for the on-call engineer, top to bottom: the webhook flow (received → enqueued → applied),
 * queues (depth, oldest age, dead letters), failures by kind (our own metrics: what Lambda's `Errors` does not see),
 * the functions and the API (errors, p99 durations, throttles), and the cost drivers (write units per event, events
 * per batch: docs/benchmarks.md's cost model).
 */
export class BasisDashboard extends Construct {
  readonly dashboard: Dashboard;

  constructor(scope: Construct, id: string, props: BasisDashboardProps) {
    super(scope, id);
    const queues = queueEntries().map(([name]) => ({ name, ...props.queues[name] }));
    const functions = functionEntries().map(([name]) => ({ name, fn: props.functions[name] }));
    const custom = new CustomMetrics(props.stage, period);
    const graph = (title: string, left: IMetric[], right: IMetric[] = []): GraphWidget =>
      new GraphWidget({ title, left, right, width });
    const heading = (markdown: string) => new TextWidget({ markdown, width: 24, height: 1 });

    this.dashboard = new Dashboard(this, 'Dashboard', {
      dashboardName: resourceName(props.stage),
      defaultInterval: Duration.hours(3),
    });
    this.dashboard.addWidgets(heading('## Webhook flow: received → enqueued → applied'));
    this.dashboard.addWidgets(
      graph('Webhooks received → enqueued → applied', [
        props.functions.webhookIngest.metricInvocations({ period, statistic: 'Sum', label: 'received' }),
        custom.total(metricNames.webhookAccepted, { label: 'enqueued' }),
        custom.total(metricNames.workerOutcome, { where: { outcome: 'applied' }, label: 'applied' }),
      ]),
      graph('Ingest outcomes', [
        custom.total(metricNames.webhookAccepted, { groupBy: ['mode'] }),
        custom.total(metricNames.webhookIgnored),
        custom.total(metricNames.webhookRefused, { groupBy: ['reason'] }),
        custom.total(metricNames.webhookEnqueueFailed),
      ]),
      graph('Worker outcomes by queue', [
        custom.total(metricNames.workerOutcome, { groupBy: ['queue', 'outcome'] }),
      ]),
    );
    this.dashboard.addWidgets(heading('## Queues'));
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
    this.dashboard.addWidgets(heading('## Failures by kind'));
    this.dashboard.addWidgets(
      graph(
        'API 5xx by route',
        [custom.total(metricNames.apiServerError, { groupBy: ['route'] })],
        [props.httpApi.metricServerError({ period, statistic: 'Sum', label: 'HTTP API 5xx' })],
      ),
      graph('Stripe call failures by kind', [
        custom.total(metricNames.stripeCallFailed, { groupBy: ['kind'] }),
      ]),
      graph('Worker and internal failures', [
        custom.total(metricNames.workerOutcome, { where: { outcome: 'failed' }, groupBy: ['queue'] }),
        custom.total(metricNames.internalMessageFailed, { groupBy: ['queue', 'kind'] }),
        custom.total(metricNames.refundStuckPending),
        custom.total(metricNames.sweepHealed),
        custom.total(metricNames.sweepFailed),
      ]),
    );
    this.dashboard.addWidgets(heading('## Functions and API'));
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
      graph('HTTP API latency p99 (ms)', [
        props.httpApi.metricLatency({ period, statistic: 'p99', label: 'latency p99' }),
        props.httpApi.metricIntegrationLatency({
          period,
          statistic: 'p99',
          label: 'integration latency p99',
        }),
      ]),
    );
    this.dashboard.addWidgets(heading('## Cost drivers'));
    this.dashboard.addWidgets(...costWidgets(props, queues, graph));
  }
}

/**
 * Write units per event (table writes over messages the workers deleted, i.e. events settled) and events per batch
 * (messages deleted over worker invocations): the two figures the webhook path's cost per million events rests on.
 */
function costWidgets(
  props: BasisDashboardProps,
  queues: Array<{
    name: string;
    queue: BasisDashboardProps['queues'][keyof BasisDashboardProps['queues']]['queue'];
  }>,
  graph: (title: string, left: IMetric[], right?: IMetric[]) => GraphWidget,
): GraphWidget[] {
  const writes = new Metric({
    namespace: 'AWS/DynamoDB',
    metricName: 'ConsumedWriteCapacityUnits',
    dimensionsMap: { TableName: props.table.tableName },
    statistic: 'Sum',
    period: costPeriod,
  });
  const settled: Record<string, IMetric> = {};
  const invocations: Record<string, IMetric> = {};
  for (const [index, { name, queue }] of queues.entries()) {
    settled[`deleted${index}`] = queue.metricNumberOfMessagesDeleted({
      period: costPeriod,
      statistic: 'Sum',
    });
    const consumer = queueDefinitions[name as keyof typeof queueDefinitions].consumer;
    invocations[`invoked${index}`] = props.functions[consumer].metricInvocations({
      period: costPeriod,
      statistic: 'Sum',
    });
  }
  const sum = (ids: string[]) => ids.map((metricId) => `FILL(${metricId}, 0)`).join(' + ');
  return [
    graph('DynamoDB write units per event', [
      new MathExpression({
        expression: `writes / (${sum(Object.keys(settled))})`,
        usingMetrics: { writes, ...settled },
        period: costPeriod,
        label: 'write units per event',
      }),
    ]),
    graph('Events per worker batch', [
      new MathExpression({
        expression: `(${sum(Object.keys(settled))}) / (${sum(Object.keys(invocations))})`,
        usingMetrics: { ...settled, ...invocations },
        period: costPeriod,
        label: 'events per batch',
      }),
    ]),
    graph(
      'Requests that cost money',
      [
        writes.with({ label: 'DynamoDB write units', period }),
        new Metric({
          namespace: 'AWS/DynamoDB',
          metricName: 'ConsumedReadCapacityUnits',
          dimensionsMap: { TableName: props.table.tableName },
          statistic: 'Sum',
          period,
          label: 'DynamoDB read units',
        }),
      ],
      queues.map(({ name, queue }) =>
        queue.metricNumberOfMessagesSent({ period, statistic: 'Sum', label: `${name} messages sent` }),
      ),
    ),
  ];
}
