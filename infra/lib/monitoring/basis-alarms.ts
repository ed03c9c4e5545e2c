import type { FunctionName } from '@basis/shared';
import { Duration } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, type IMetric, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { pascalCase } from '../config/construct-ids.ts';
import { resourceName } from '../config/resource-names.ts';
import { functionEntries, queueEntries } from '../config/topology-entries.ts';
import type { BasisFunction } from '../functions/basis-function.ts';
import type { StatefulResources } from '../stateful/stateful-resources.ts';

export interface BasisAlarmsProps {
  functions: Readonly<Record<FunctionName, BasisFunction>>;
  queues: StatefulResources['queues'];
  topic: ITopic;
  /** Alarm names are `basis-<stage>-<what>`, e.g. `basis-prod-payments-dead-letters`. */
  stage: string;
}

const period = Duration.minutes(1);

/**
 * What pages the on-call engineer: a message in any DLQ, a queue whose oldest message waits longer than the
 * topology allows, and errors in any function. Alarms notify on ALARM and on OK.
 */
export class BasisAlarms extends Construct {
  readonly alarms: Alarm[] = [];

  constructor(scope: Construct, id: string, props: BasisAlarmsProps) {
    super(scope, id);
    const action = new SnsAction(props.topic);
    const add = (alarmId: string, metric: IMetric, threshold: number, description: string): void => {
      const alarm = new Alarm(this, alarmId, {
        alarmName: resourceName(props.stage, alarmId),
        metric,
        threshold,
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
        alarmDescription: description,
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
        `Messages of the ${name} queue failed ${definition.maxReceiveCount} times and sit in its DLQ. Inspect them, fix the cause, then redrive with SQS's own DLQ redrive.`,
      );
      add(
        `${pascalCase(name)}OldestMessage`,
        queue.metricApproximateAgeOfOldestMessage({ period, statistic: 'Maximum' }),
        definition.oldestMessageAlarmSeconds,
        `The oldest message of the ${name} queue has waited ${definition.oldestMessageAlarmSeconds} s or more: ${definition.consumer} is failing, throttled or too slow.`,
      );
    }
    for (const [name] of functionEntries()) {
      add(
        `${pascalCase(name)}Errors`,
        props.functions[name].metricErrors({ period: Duration.minutes(5), statistic: 'Sum' }),
        1,
        `${name} returned errors (uncaught exceptions or timeouts) in the last 5 minutes.`,
      );
    }
  }
}
