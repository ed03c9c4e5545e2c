/** The median of a list of numbers (the upper one of the middle two); 0 for an empty list. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

/**
 * Runs `work(i)` for i in [0, count) with at most `concurrency` in flight, and answers the wall time in ms.
 * Throws the first error after every started task has settled, so nothing keeps running behind the caller.
 */
export async function runBounded(
  count: number,
  concurrency: number,
  work: (index: number) => Promise<void>,
): Promise<number> {
  let next = 0;
  let firstError: unknown;
  const started = performance.now();
  const lane = async () => {
    while (next < count && firstError === undefined) {
      const index = next++;
      try {
        await work(index);
      } catch (error) {
        firstError ??= error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, lane));
  if (firstError !== undefined) throw firstError;
  return performance.now() - started;
}

/** Polls `check` every `intervalMs` until it answers true; throws after `timeoutMs`. */
export async function waitUntil(
  check: () => Promise<boolean>,
  timeoutMs: number,
  what: string,
  intervalMs = 20,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`bench: ${what} not reached within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** A number for the report: fixed decimals, thousands separated. */
export function fmt(value: number, decimals = 0): string {
  return value.toLocaleString('en-US', { minimumFractionDigits: decimals, maximumFractionDigits: decimals });
}
