import { type FunctionDefinition, type FunctionName, functions as topologyFunctions } from '@basis/shared';
import { Duration } from 'aws-cdk-lib';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import type { Construct } from 'constructs';
import type { BasisFunction } from '../functions/basis-function.ts';

/** An EventBridge rule per function with a `schedule` in the topology (e.g. the missed-event sweep). */
export function scheduleFunctions(
  scope: Construct,
  functions: Readonly<Record<FunctionName, BasisFunction>>,
): Rule[] {
  const rules: Rule[] = [];
  for (const [name, definition] of Object.entries(topologyFunctions) as Array<
    [FunctionName, FunctionDefinition]
  >) {
    if (!definition.schedule) continue;
    rules.push(
      new Rule(scope, `${name}Schedule`, {
        description: `Runs ${name} every ${definition.schedule.rateMinutes} minutes`,
        schedule: Schedule.rate(Duration.minutes(definition.schedule.rateMinutes)),
        targets: [new LambdaFunction(functions[name], { retryAttempts: 2 })],
      }),
    );
  }
  return rules;
}
