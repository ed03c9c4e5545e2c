import { type App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { readBasisContext } from './config/basis-context.ts';
import { stackName } from './config/resource-names.ts';
import { StatefulStack } from './stateful/stateful-stack.ts';
import { StatelessStack } from './stateless/stateless-stack.ts';

export interface BasisStacks {
  stateful: StatefulStack;
  stateless: StatelessStack;
}

/**
 * Builds both stacks of the context's stage: `BasisStateful-<stage>` (deployed first, rarely changes) and
 * `BasisStateless-<stage>`. The construct id is the stack name, so `cdk deploy BasisStateless-dev` works.
 */
export function addBasisStacks(app: App): BasisStacks {
  const context = readBasisContext(app.node);
  const { stage } = context;
  const stateful = new StatefulStack(app, stackName('stateful', stage), {
    description: `Basis payments (${stage}): the table and the worker queues with their DLQs`,
    stage,
  });
  const stateless = new StatelessStack(app, stackName('stateless', stage), {
    description: `Basis payments (${stage}): functions, HTTP API, queue subscriptions, alarms and dashboard`,
    stateful: { table: stateful.table, queues: stateful.queues },
    context,
  });
  return { stateful, stateless };
}

/** Registers the AWS Solutions checks: synthesis fails on any finding that is not acknowledged with a reason. */
export function addNagChecks(app: App): void {
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
}
