import { cpus } from 'node:os';
import { type OrderProperty, workerOrderProperties } from './support/system.ts';

/**
 * `npm run bench:properties`: every worker's order/repetition-independence property (the same modules its unit tests
 * run with a few thousand cases) with many more cases. Not part of `npm test`.
 *
 *   npm run bench:properties                     10,000 cases per property
 *   BENCH_PROPERTY_RUNS=50000 npm run bench:properties
 *   BENCH_PROPERTY_SEED=42 …                     replays one run (fast-check prints the seed of a failure)
 *
 * Exits 1 if any property fails, with fast-check's report (seed, path, shrunk counterexample).
 */
const numRuns = Number(process.env.BENCH_PROPERTY_RUNS ?? 10_000);
const seed =
  process.env.BENCH_PROPERTY_SEED === undefined ? Date.now() : Number(process.env.BENCH_PROPERTY_SEED);
if (!Number.isInteger(numRuns) || numRuns < 1)
  throw new Error('bench: BENCH_PROPERTY_RUNS must be a positive integer');

console.log('npm run bench:properties');
console.log(
  `${new Date().toISOString()}, node ${process.version}, ${cpus().length} cores, ${numRuns} cases per property, seed ${seed}`,
);
console.log('\n| worker | property | cases | seconds | result |\n| --- | --- | ---: | ---: | --- |');
let failures = 0;
let cases = 0;
const started = performance.now();
for (const [worker, properties] of Object.entries(workerOrderProperties) as Array<
  [string, readonly OrderProperty[]]
>) {
  for (const property of properties) {
    const begun = performance.now();
    let result = 'passed';
    try {
      property.check(numRuns, seed);
    } catch (error) {
      failures++;
      result = 'FAILED';
      console.error(
        `\n${worker}: ${property.name}\n${error instanceof Error ? error.message : String(error)}\n`,
      );
    }
    cases += numRuns;
    const seconds = ((performance.now() - begun) / 1000).toFixed(1);
    console.log(`| ${worker} | ${property.name} | ${numRuns} | ${seconds} | ${result} |`);
  }
}
console.log(
  `\n${cases} cases in ${((performance.now() - started) / 1000).toFixed(1)} s; ${failures} properties failed`,
);
process.exitCode = failures === 0 ? 0 : 1;
