import type { QueueName } from '@basis/shared';
import { Stack, type StackProps } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { Construct } from 'constructs';
import { pascalCase } from '../config/construct-ids.ts';
import { resourceName } from '../config/resource-names.ts';
import { queueEntries } from '../config/topology-entries.ts';
import { BasisQueue } from './basis-queue.ts';
import { BasisTable } from './basis-table.ts';

/**
 * What holds data: the table and the worker queues with their DLQs. Deployed apart from the functions so
 * that a change to code never replaces a resource that holds messages or records; termination protection
 * and RETAIN guard both against accidental deletion.
 */
export interface StatefulStackProps extends StackProps {
  /** The deployment stage, part of every queue name. */
  stage: string;
}

export class StatefulStack extends Stack {
  readonly table: ITable;
  readonly queues: Readonly<Record<QueueName, BasisQueue>>;

  constructor(scope: Construct, id: string, props: StatefulStackProps) {
    const { stage, ...stackProps } = props;
    super(scope, id, { terminationProtection: true, ...stackProps });
    // The table keeps its generated name (`BasisStateful-<stage>-DataTable…`): a fixed name would make any
    // replacing change impossible, and the name already differs per stage through the stack name.
    this.table = new BasisTable(this, 'Data').table;
    this.queues = Object.fromEntries(
      queueEntries().map(([name, definition]) => [
        name,
        new BasisQueue(this, `${pascalCase(name)}Queue`, {
          definition,
          queueName: resourceName(stage, name),
        }),
      ]),
    ) as Record<QueueName, BasisQueue>;
  }
}
