import { readFileSync } from 'node:fs';

/** CPU time (user + system) a process has used so far, in ms; undefined where /proc cannot tell (not Linux, gone). */
export function processCpuMs(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    // /proc/<pid>/stat: the fields after the command's closing parenthesis; utime and stime are the 12th and 13th
    // of them, in clock ticks (USER_HZ, 100 a second on Linux).
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    const ticks = Number(fields[11]) + Number(fields[12]);
    return Number.isFinite(ticks) ? ticks * 10 : undefined;
  } catch {
    return undefined;
  }
}

/** CPU ms per operation of each named process (undefined where /proc cannot tell) and of this one (`self`). */
export type CpuShares<K extends string> = Record<K, number | undefined> & { self: number };

/**
 * Starts counting the CPU time of named processes (this one included, as `self`); the answer divides what each used
 * since by `operations`. CPU time moves much less than a rate with what else the machine is running.
 */
export function cpuSince<K extends string>(
  pids: Record<K, number | undefined>,
): (operations: number) => CpuShares<K> {
  const names = Object.keys(pids) as K[];
  const start = new Map(names.map((name) => [name, processCpuMs(pids[name])]));
  const self = process.cpuUsage();
  return (operations) => {
    const used = process.cpuUsage(self);
    const named = Object.fromEntries(
      names.map((name) => {
        const before = start.get(name);
        const after = processCpuMs(pids[name]);
        return [
          name,
          before === undefined || after === undefined ? undefined : (after - before) / operations,
        ];
      }),
    ) as Record<K, number | undefined>;
    return { ...named, self: (used.user + used.system) / 1000 / operations };
  };
}
