import { describe, expect, it } from 'vitest';
import { currentMonthWindow, reportWindowOf } from '../src/domain/payments-report.ts';

describe("a report's window [from, to)", () => {
  it('is the current calendar month in UTC when the request names none, December rolling into January', () => {
    expect(currentMonthWindow(new Date('2026-12-31T23:59:59.999Z'))).toEqual({
      from: '2026-12-01T00:00:00.000Z',
      to: '2027-01-01T00:00:00.000Z',
    });
    // 23:30 on 31 March in UTC−02:00 is already April in UTC.
    expect(reportWindowOf({}, new Date('2026-03-31T23:30:00-02:00'))).toEqual({
      window: { from: '2026-04-01T00:00:00.000Z', to: '2026-05-01T00:00:00.000Z' },
    });
  });

  it("runs to the end of `from`'s month, or from the start of the month `to` ends in, when only one is given", () => {
    const now = new Date('2026-07-10T00:00:00Z');
    expect(reportWindowOf({ from: '2026-02-10T00:00:00.000Z' }, now)).toEqual({
      window: { from: '2026-02-10T00:00:00.000Z', to: '2026-03-01T00:00:00.000Z' },
    });
    expect(reportWindowOf({ to: '2026-03-01T00:00:00.000Z' }, now)).toEqual({
      window: { from: '2026-02-01T00:00:00.000Z', to: '2026-03-01T00:00:00.000Z' },
    });
  });

  it('spans at most 366 days (a leap year fits), and never ends before it starts', () => {
    const now = new Date();
    expect(
      reportWindowOf({ from: '2028-01-01T00:00:00.000Z', to: '2029-01-01T00:00:00.000Z' }, now),
    ).toHaveProperty('window');
    expect(reportWindowOf({ from: '2026-01-01T00:00:00.000Z', to: '2027-01-02T00:00:00.001Z' }, now)).toEqual(
      {
        problem: { field: 'to', message: 'the window may span at most 366 days' },
      },
    );
    expect(reportWindowOf({ from: '2026-03-01T00:00:00.000Z', to: '2026-03-01T00:00:00.000Z' }, now)).toEqual(
      {
        problem: { field: 'to', message: 'must be after from' },
      },
    );
  });
});
