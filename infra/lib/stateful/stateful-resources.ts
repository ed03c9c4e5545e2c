import type { QueueName } from '@basis/shared';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { BasisQueue } from './basis-queue.ts';

/** What the stateless side receives from the stateful side, as typed props. */
export interface StatefulResources {
  table: ITable;
  queues: Readonly<Record<QueueName, BasisQueue>>;
}
