import { type FunctionDefinition, functions } from '@basis/shared';
import { describe, expect, it } from 'vitest';
import { synthesizeBasis } from './synthesize-basis.ts';
import { logicalIdOf, resourcesOfType } from './template-queries.ts';

const { stateless, stacks } = synthesizeBasis();
const scheduled = (Object.entries(functions) as Array<[keyof typeof functions, FunctionDefinition]>).filter(
  ([, definition]) => definition.schedule,
);

describe('scheduled functions generated from the topology', () => {
  it('has at least the missed-event sweep on a schedule', () => {
    expect(scheduled.map(([name]) => name)).toContain('eventSweeper');
  });

  it.each(scheduled)('%s runs on an EventBridge rate from the topology', (name, definition) => {
    const rules = resourcesOfType(stateless, 'AWS::Events::Rule');
    const target = logicalIdOf(stacks.stateless.functions[name]);
    const rule = rules.find(([, resource]) => JSON.stringify(resource.Properties.Targets).includes(target));
    expect(rule?.[1].Properties.ScheduleExpression).toBe(`rate(${definition.schedule?.rateMinutes} minutes)`);
    expect(rule?.[1].Properties.State).toBe('ENABLED');
  });
});
