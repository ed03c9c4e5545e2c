import { type App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { readBasisContext } from './config/basis-context.ts';
import { StatefulStack } from './stateful/stateful-stack.ts';
import { StatelessStack } from './stateless/stateless-stack.ts';

export interface BasisStacks {
  stateful: StatefulStack;
  stateless: StatelessStack;
}

/** Stack names: the stateful one is deployed first and rarely changes. */
export const stackIds = { stateful: 'BasisStateful', stateless: 'BasisStateless' } as const;

/** Builds both stacks from the app's context. */
export function addBasisStacks(app: App): BasisStacks {
  const context = readBasisContext(app.node);
  const stateful = new StatefulStack(app, stackIds.stateful, {
    description: 'Basis payments: the table and the worker queues with their DLQs',
  });
  const stateless = new StatelessStack(app, stackIds.stateless, {
    description: 'Basis payments: functions, HTTP API, queue subscriptions, alarms and dashboard',
    stateful: { table: stateful.table, queues: stateful.queues },
    context,
  });
  return { stateful, stateless };
}

/** Registers the AWS Solutions checks: synthesis fails on any finding that is not acknowledged with a reason. */
export function addNagChecks(app: App): void {
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
}
