import type { QueueName } from '@basis/shared';
import { Stack, type StackProps } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { Construct } from 'constructs';
import { pascalCase } from '../config/construct-ids.ts';
import { queueEntries } from '../config/topology-entries.ts';
import { BasisQueue } from './basis-queue.ts';
import { BasisTable } from './basis-table.ts';

/**
 * What holds data: the table and the worker queues with their DLQs. Deployed apart from the functions so
 * that a change to code never replaces a resource that holds messages or records; termination protection
 * and RETAIN guard both against accidental deletion.
 */
export class StatefulStack extends Stack {
  readonly table: ITable;
  readonly queues: Readonly<Record<QueueName, BasisQueue>>;

  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, { terminationProtection: true, ...props });
    this.table = new BasisTable(this, 'Data').table;
    this.queues = Object.fromEntries(
      queueEntries().map(([name, definition]) => [
        name,
        new BasisQueue(this, `${pascalCase(name)}Queue`, { definition }),
      ]),
    ) as Record<QueueName, BasisQueue>;
  }
}
