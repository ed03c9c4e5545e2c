import { envNames, table as tableDesign } from '@basis/shared';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';

export type TableAccess = 'read' | 'readWrite';

/** Item reads. No Scan: every access pattern of the table design has a key. */
export const tableReadActions = [
  'dynamodb:GetItem',
  'dynamodb:BatchGetItem',
  'dynamodb:Query',
  'dynamodb:ConditionCheckItem',
] as const;

/** Item writes (transactions need no action of their own, only these). */
export const tableWriteActions = [
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:BatchWriteItem',
] as const;

/**
 * Tells the function the table's name and grants it read, or read and write, on the table, plus Query on
 * each index the topology names. The grants are explicit statements rather than `table.grant*`, which add
 * an `index/*` wildcard.
 */
export function bindTable(fn: LambdaFunction, table: ITable, access: TableAccess): void {
  fn.addEnvironment(envNames.tableName, table.tableName);
  const actions =
    access === 'readWrite' ? [...tableReadActions, ...tableWriteActions] : [...tableReadActions];
  fn.addToRolePolicy(new PolicyStatement({ actions, resources: [table.tableArn] }));
  const indexArns = tableDesign.indexes.map((index) => `${table.tableArn}/index/${index.name}`);
  if (indexArns.length > 0) {
    fn.addToRolePolicy(new PolicyStatement({ actions: ['dynamodb:Query'], resources: indexArns }));
  }
}
