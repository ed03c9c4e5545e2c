import { table } from '@basis/shared';
import { describe, expect, it } from 'vitest';
import { synthesizeBasis } from './synthesize-basis.ts';
import { resourcesOfType } from './template-queries.ts';

const { stateful, stateless } = synthesizeBasis();

describe('the table generated from the topology', () => {
  it('is the only table, and it lives in the stateful stack', () => {
    stateful.resourceCountIs('AWS::DynamoDB::Table', 1);
    stateless.resourceCountIs('AWS::DynamoDB::Table', 0);
  });

  it('has string pk/sk, on-demand billing, PITR, TTL and deletion protection, and is retained', () => {
    stateful.hasResource('AWS::DynamoDB::Table', {
      Properties: {
        KeySchema: [
          { AttributeName: table.partitionKey, KeyType: 'HASH' },
          { AttributeName: table.sortKey, KeyType: 'RANGE' },
        ],
        BillingMode: 'PAY_PER_REQUEST',
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        TimeToLiveSpecification: { AttributeName: table.ttlAttribute, Enabled: true },
        DeletionProtectionEnabled: true,
      },
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
    });
  });

  it('has the GSIs of the topology, with string keys', () => {
    const [[, resource] = ['', {}]] = resourcesOfType(stateful, 'AWS::DynamoDB::Table');
    const properties = (resource as { Properties: Record<string, unknown> }).Properties;
    const indexes = properties.GlobalSecondaryIndexes as { IndexName: string; KeySchema: unknown }[];
    expect(indexes.map((index) => index.IndexName)).toEqual(table.indexes.map((index) => index.name));
    for (const index of table.indexes) {
      expect(indexes.find((candidate) => candidate.IndexName === index.name)?.KeySchema).toEqual([
        { AttributeName: index.partitionKey, KeyType: 'HASH' },
        { AttributeName: index.sortKey, KeyType: 'RANGE' },
      ]);
    }
    const attributes = properties.AttributeDefinitions as { AttributeName: string; AttributeType: string }[];
    expect(attributes.every((attribute) => attribute.AttributeType === 'S')).toBe(true);
  });

  it('the stateful stack has termination protection', () => {
    const { stacks } = synthesizeBasis();
    expect(stacks.stateful.terminationProtection).toBe(true);
  });
});
