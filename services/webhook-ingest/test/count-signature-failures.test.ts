import { describe, expect, it } from 'vitest';
import { boundedSignatureFailureCounter } from '../src/use-cases/count-signature-failures.ts';

function setup() {
  const writes: Array<{ clinicId: string; mode: string; count: number; at: string }> = [];
  let now = new Date('2026-11-26T12:00:00Z');
  let failing = false;
  const errors: unknown[] = [];
  const counter = boundedSignatureFailureCounter(
    {
      add: async (clinicId, mode, _kind, count, at) => {
        if (failing) throw new Error('throttled');
        writes.push({ clinicId, mode, count, at: at.toISOString() });
      },
    },
    { now: () => now, onError: (error) => errors.push(error), intervalMs: 60_000 },
  );
  return {
    counter,
    writes,
    errors,
    advance: (ms: number) => {
      now = new Date(now.getTime() + ms);
    },
    fail: (value: boolean) => {
      failing = value;
    },
  };
}

describe('counting refused signatures with bounded writes', () => {
  it('writes the first refusal at once and a flood of forged ones as one write a minute, losing none', async () => {
    const { counter, writes, advance } = setup();
    await counter.record('clinic_1', 'test');
    expect(writes).toEqual([
      { clinicId: 'clinic_1', mode: 'test', count: 1, at: '2026-11-26T12:00:00.000Z' },
    ]);
    for (let i = 0; i < 1_000; i++) await counter.record('clinic_1', 'test');
    expect(writes).toHaveLength(1);
    advance(60_000);
    await counter.record('clinic_1', 'test');
    expect(writes).toHaveLength(2);
    expect(writes[1]?.count).toBe(1_001);
  });

  it('keeps clinics and modes apart', async () => {
    const { counter, writes } = setup();
    await counter.record('clinic_1', 'test');
    await counter.record('clinic_1', 'live');
    await counter.record('clinic_2', 'test');
    expect(writes.map((write) => `${write.clinicId}/${write.mode}`)).toEqual([
      'clinic_1/test',
      'clinic_1/live',
      'clinic_2/test',
    ]);
  });

  it('never throws when the write fails, and carries the count to the next write', async () => {
    const { counter, writes, errors, advance, fail } = setup();
    fail(true);
    await expect(counter.record('clinic_1', 'test')).resolves.toBeUndefined();
    expect(errors).toHaveLength(1);
    fail(false);
    advance(60_000);
    await counter.record('clinic_1', 'test');
    expect(writes).toEqual([expect.objectContaining({ count: 2 })]);
  });
});
