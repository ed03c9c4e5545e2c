import {
  type FunctionName,
  httpRoutes,
  metricNames,
  modes,
  routeKey,
  type StripeFailureKind,
  stripeFailureKinds,
} from '@basis/shared';
import { Duration } from 'aws-cdk-lib';
import type { IHttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import {
  Alarm,
  ComparisonOperator,
  type IMetric,
  MathExpression,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { pascalCase } from '../config/construct-ids.ts';
import { resourceName } from '../config/resource-names.ts';
import { functionEntries, queueEntries } from '../config/topology-entries.ts';
import type { BasisFunction } from '../functions/basis-function.ts';
import type { StatefulResources } from '../stateful/stateful-resources.ts';
import { CustomMetrics } from './custom-metrics.ts';
import { type RunbookSection, runbookLink } from './runbook-sections.ts';

export interface BasisAlarmsProps {
  functions: Readonly<Record<FunctionName, BasisFunction>>;
  queues: StatefulResources['queues'];
  /** The HTTP API: its own 5xx (API Gateway's metric) is alarmed too, whatever answered it. */
  httpApi: IHttpApi;
  topic: ITopic;
  /** Alarm names are `basis-<stage>-<what>`, e.g. `basis-prod-payments-dead-letters`. */
  stage: string;
}

const period = Duration.minutes(1);
/** Our own failure metrics are counted per 5 minutes: one handled failure is enough to look. */
const failurePeriod = Duration.minutes(5);

/**
 * How many Stripe failures of a kind in 5 minutes page someone. A rejected key or a missing permission needs an
 * admin at once; a missing object usually heals itself (stale references are dropped and recreated) and a refusal
 * is often the caller's (a refund larger than Stripe holds), so only a run of them is news; a few unknown outcomes
 * are Stripe's network retries giving up, a run of them an outage.
 */
const stripeFailureThresholds: Record<StripeFailureKind, number> = {
  key_rejected: 1,
  permission: 1,
  object_missing: 5,
  rejected: 10,
  unavailable: 3,
};

/** Failure kinds that connecting a clinic produces by design (a mistyped key, a restricted key's probes). */
const connectChecks: readonly StripeFailureKind[] = ['key_rejected', 'permission'];

/**
 * What pages the on-call engineer: infrastructure (a message in any DLQ, a queue whose oldest message waits longer
 * than the topology allows, errors in any function, the HTTP API's own 5xx) and the failures our code handles
 * itself, which Lambda's `Errors` never sees (its custom metrics, shared/src/observability/metrics.ts). Alarms notify
 * on ALARM and on OK, and each description ends with the runbook section that says what to do.
 */
export class BasisAlarms extends Construct {
  readonly alarms: Alarm[] = [];

  constructor(scope: Construct, id: string, props: BasisAlarmsProps) {
    super(scope, id);
    const action = new SnsAction(props.topic);
    const custom = new CustomMetrics(props.stage, failurePeriod);
    const add = (
      alarmId: string,
      metric: IMetric,
      threshold: number,
      description: string,
      section: RunbookSection,
    ): void => {
      const alarm = new Alarm(this, alarmId, {
        alarmName: resourceName(props.stage, alarmId),
        metric,
        threshold,
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
        alarmDescription: `${description} ${runbookLink(section)}`,
      });
      alarm.addAlarmAction(action);
      alarm.addOkAction(action);
      this.alarms.push(alarm);
    };

    for (const [name, definition] of queueEntries()) {
      const { queue, deadLetterQueue } = props.queues[name];
      add(
        `${pascalCase(name)}DeadLetters`,
        deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period, statistic: 'Maximum' }),
        1,
        `Messages of the ${name} queue failed ${definition.maxReceiveCount} times and sit in its DLQ. Inspect them, fix the cause, then redrive (npm run ops -- redrive --queue ${name}).`,
        'deadLetters',
      );
      add(
        `${pascalCase(name)}OldestMessage`,
        queue.metricApproximateAgeOfOldestMessage({ period, statistic: 'Maximum' }),
        definition.oldestMessageAlarmSeconds,
        `The oldest message of the ${name} queue has waited ${definition.oldestMessageAlarmSeconds} s or more: ${definition.consumer} is failing, throttled or too slow.`,
        'oldestMessage',
      );
      add(
        `${pascalCase(name)}WorkerFailures`,
        custom.sum(metricNames.workerOutcome, {
          service: definition.consumer,
          queue: name,
          outcome: 'failed',
        }),
        1,
        `${definition.consumer} failed to apply records of the ${name} queue (WorkerOutcome failed): they are retried and, after ${definition.maxReceiveCount} receives, parked in the DLQ.`,
        'workerFailures',
      );
    }
    for (const [name] of functionEntries()) {
      add(
        `${pascalCase(name)}Errors`,
        props.functions[name].metricErrors({ period: Duration.minutes(5), statistic: 'Sum' }),
        1,
        `${name} returned errors (uncaught exceptions or timeouts) in the last 5 minutes.`,
        'functionErrors',
      );
    }
    this.addApiAlarms(props, custom, add);
    this.addWebhookAlarms(custom, add);

    add(
      'InternalMessageFailures',
      custom.total(metricNames.internalMessageFailed),
      1,
      'An internal message (refund reconcile, payout continuation, follow-up) failed (InternalMessageFailed); it is retried and may reach the DLQ.',
      'internalMessages',
    );
    add(
      'RefundStuckPending',
      custom.sum(metricNames.refundStuckPending, { service: 'refundsWorker' }),
      1,
      "A refund was still pending without Stripe's answer when its reconcile ran (RefundStuckPending): the refunds API's call to Stripe failed or timed out.",
      'refundStuck',
    );
    add(
      'SweepHealedEvents',
      custom.total(metricNames.sweepHealed),
      1,
      "The missed-event sweep found events no webhook delivered (SweepHealedEvents): a clinic's webhooks are not arriving (endpoint disabled, wrong URL, ingest refusing them).",
      'sweepHealed',
    );
    add(
      'SweepFailedEvents',
      custom.total(metricNames.sweepFailed),
      1,
      'The missed-event sweep could not enqueue events (SweepFailedEvents); they were skipped and are retried at the next sweep.',
      'sweepFailed',
    );
    for (const kind of stripeFailureKinds) {
      // Connecting checks the key an admin typed and probes which permissions it has: a refusal there is the admin's
      // to fix, answered 409, and seen on the dashboard, not a page.
      const except: Record<string, string> = connectChecks.includes(kind) ? { service: 'connectApi' } : {};
      add(
        `StripeCallFailed${pascalCase(kind)}`,
        custom.total(metricNames.stripeCallFailed, {
          where: { kind },
          except,
          label: `StripeCallFailed ${kind}`,
        }),
        stripeFailureThresholds[kind],
        `Stripe calls failed with kind ${kind} (StripeCallFailed), ${stripeFailureThresholds[kind]} or more in 5 minutes.`,
        'stripeCalls',
      );
    }
  }

  private addApiAlarms(
    props: BasisAlarmsProps,
    custom: CustomMetrics,
    add: (
      id: string,
      metric: IMetric,
      threshold: number,
      description: string,
      section: RunbookSection,
    ) => void,
  ): void {
    add(
      'HttpApi5xx',
      props.httpApi.metricServerError({ period: failurePeriod, statistic: 'Sum' }),
      1,
      'The HTTP API answered 5xx (API Gateway: a function answered 5xx, failed, timed out or was throttled).',
      'httpApi5xx',
    );
    // One alarm per route, so that the alarm names the route; the route kit counts each 5xx it answers.
    for (const route of httpRoutes) {
      const key = routeKey(route);
      add(
        `ApiServerError${pascalCase(`${route.method} ${route.path}`)}`,
        custom.sum(metricNames.apiServerError, { service: route.function, route: key }),
        1,
        `${key} answered 5xx (ApiServerError, counted by the route kit: Lambda's Errors does not see handled failures).`,
        'apiServerErrors',
      );
    }
  }

  private addWebhookAlarms(
    custom: CustomMetrics,
    add: (
      id: string,
      metric: IMetric,
      threshold: number,
      description: string,
      section: RunbookSection,
    ) => void,
  ): void {
    add(
      'WebhookInvalidSignatures',
      custom.sum(metricNames.webhookRefused, { service: 'webhookIngest', reason: 'invalid_signature' }),
      5,
      "Ingest refused 5 or more webhooks in 5 minutes for a bad signature (WebhookRefused invalid_signature): a clinic's stored signing secret does not match its endpoint's, or someone is probing.",
      'webhookSignatures',
    );
    const byMode = Object.fromEntries(
      modes.map((mode) => [
        mode,
        custom.sum(metricNames.webhookEnqueueFailed, { service: 'webhookIngest', mode }),
      ]),
    );
    add(
      'WebhookEnqueueFailed',
      new MathExpression({
        expression: modes.map((mode) => `FILL(${mode}, 0)`).join(' + '),
        usingMetrics: byMode,
        period: failurePeriod,
        label: 'WebhookEnqueueFailed',
      }),
      1,
      'Ingest verified webhooks but could not enqueue them and answered 503 (WebhookEnqueueFailed); Stripe retries them.',
      'webhookEnqueue',
    );
  }
}
