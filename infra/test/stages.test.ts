import { describe, expect, it } from 'vitest';
import { type SynthesizedBasis, synthesizeBasis } from './synthesize-basis.ts';
import { resourcesOfType } from './template-queries.ts';

/** The physical-name property of each resource type whose name we set, and how many of it a stage has. */
const namedTypes = {
  'AWS::SQS::Queue': 'QueueName',
  'AWS::Lambda::Function': 'FunctionName',
  'AWS::Logs::LogGroup': 'LogGroupName',
  'AWS::CloudWatch::Alarm': 'AlarmName',
  'AWS::CloudWatch::Dashboard': 'DashboardName',
  'AWS::ApiGatewayV2::Api': 'Name',
} as const;

/** Every name a stage puts into the account: stack names, export names and the physical names we set. */
function namesOf({ stacks, stateful, stateless }: SynthesizedBasis): string[] {
  const names = [stacks.stateful.stackName, stacks.stateless.stackName];
  for (const template of [stateful, stateless]) {
    for (const output of Object.values(template.toJSON().Outputs ?? {}) as { Export?: { Name: string } }[]) {
      if (output.Export) names.push(output.Export.Name);
    }
    for (const [type, property] of Object.entries(namedTypes)) {
      for (const [, resource] of resourcesOfType(template, type)) {
        names.push(resource.Properties[property] as string);
      }
    }
  }
  return names;
}

// `dev` is a prefix of `dev-2`: the names must still differ in every place.
const dev = synthesizeBasis({ context: { 'basis:stage': 'dev' } });
const dev2 = synthesizeBasis({ context: { 'basis:stage': 'dev-2' } });

describe('deployment stages', () => {
  it('default to dev', () => {
    const { stacks } = synthesizeBasis();
    expect([stacks.stateful.stackName, stacks.stateless.stackName]).toEqual([
      'BasisStateful-dev',
      'BasisStateless-dev',
    ]);
  });

  it('name both stacks', () => {
    expect([dev2.stacks.stateful.stackName, dev2.stacks.stateless.stackName]).toEqual([
      'BasisStateful-dev-2',
      'BasisStateless-dev-2',
    ]);
  });

  it.each(Object.entries(namedTypes))('every %s has an explicit %s', (type, property) => {
    const resources = [...resourcesOfType(dev.stateful, type), ...resourcesOfType(dev.stateless, type)];
    expect(resources.length).toBeGreaterThan(0);
    for (const [, resource] of resources) expect(typeof resource.Properties[property]).toBe('string');
  });

  it.each([
    ['dev', dev],
    ['dev-2', dev2],
  ] as const)('put %s into every name they set', (stage, synthesized) => {
    const names = namesOf(synthesized);
    const carriesStage = new RegExp(`(^Basis(Stateful|Stateless)-${stage}(:|$))|basis[-/]${stage}([-/]|$)`);
    expect(names.filter((name) => !carriesStage.test(name))).toEqual([]);
  });

  it('give two stages no name in common', () => {
    const devNames = namesOf(dev);
    const dev2Names = new Set(namesOf(dev2));
    expect(devNames.length).toBe(dev2Names.size);
    expect(new Set(devNames).size).toBe(devNames.length);
    expect(devNames.filter((name) => dev2Names.has(name))).toEqual([]);
  });

  it('change names only: both stages have the same resources', () => {
    const types = (synthesized: SynthesizedBasis, kind: 'stateful' | 'stateless') =>
      (Object.values(synthesized[kind].toJSON().Resources) as { Type: string }[])
        .map((resource) => resource.Type)
        .sort();
    for (const kind of ['stateful', 'stateless'] as const) {
      expect(types(dev2, kind)).toEqual(types(dev, kind));
    }
  });
});
