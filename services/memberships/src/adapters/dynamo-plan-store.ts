import { type DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { membershipKeys, putIfModeAndVersion, queryAllWithPrefix } from '@basis/shared';
import { planRecordSchema } from '../domain/plan.ts';
import type { PlanStore } from '../ports.ts';

/** PlanStore on the single table: one item per plan and mode. */
export function dynamoPlanStore(doc: DynamoDBDocumentClient, tableName: string): PlanStore {
  return {
    async get(clinicId, mode, planId) {
      const output = await doc.send(
        new GetCommand({
          TableName: tableName,
          Key: membershipKeys.plan(clinicId, mode, planId),
          ConsistentRead: true,
        }),
      );
      return output.Item ? planRecordSchema.parse(output.Item) : undefined;
    },
    async list(clinicId, mode) {
      const items = await queryAllWithPrefix(
        doc,
        tableName,
        membershipKeys.plan(clinicId, mode, '').pk,
        membershipKeys.planPrefix(mode),
      );
      return items.map((item) => planRecordSchema.parse(item));
    },
    save: (plan, expectedVersion) =>
      putIfModeAndVersion(
        doc,
        tableName,
        {
          ...membershipKeys.plan(plan.clinicId, plan.mode, plan.planId),
          entityType: 'membership_plan',
          ...plan,
        },
        expectedVersion,
      ),
  };
}
