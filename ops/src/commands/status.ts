import type { QueueStatus } from '@basis/local';

/** The statuses as an aligned table, one line per queue. */
export function formatStatuses(statuses: readonly QueueStatus[]): string[] {
  const header = ['queue', 'visible', 'in flight', 'delayed', 'oldest (s)', 'DLQ', 'DLQ oldest (s)'];
  const age = (value: number | null) => (value === null ? '-' : String(value));
  const rows = statuses.map((status) => [
    status.queue,
    String(status.visible),
    String(status.inFlight),
    String(status.delayed),
    age(status.oldestAgeSeconds),
    String(status.deadLetters),
    age(status.deadLetterOldestAgeSeconds),
  ]);
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => row[column]?.length ?? 0)),
  );
  return [header, ...rows].map((row) =>
    row
      .map((cell, column) => cell.padEnd(widths[column] ?? 0))
      .join('  ')
      .trimEnd(),
  );
}
