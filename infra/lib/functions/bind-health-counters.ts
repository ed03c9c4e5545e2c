import { envNames, healthCounterPartitionPrefix } from '@basis/shared';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';

/**
 * Tells the function the table's name and lets it add to the connection-health counters and nothing else:
 * UpdateItem only, only on items whose partition key starts with `HEALTH#` (IAM's `dynamodb:LeadingKeys`). Webhook
 * ingest is on the public path: it may count refused signatures, never read or change a payment.
 */
export function bindHealthCounters(fn: LambdaFunction, table: ITable): void {
  fn.addEnvironment(envNames.tableName, table.tableName);
  fn.addToRolePolicy(
    new PolicyStatement({
      actions: ['dynamodb:UpdateItem'],
      resources: [table.tableArn],
      conditions: {
        'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [`${healthCounterPartitionPrefix}*`] },
      },
    }),
  );
}
