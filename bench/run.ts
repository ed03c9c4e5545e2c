import { cpus, loadavg } from 'node:os';
import { benchBundles } from './bundle-sizes.ts';
import { costPerMillion, floorPerMillion } from './cost-model.ts';
import { benchE2eThroughput, type ThroughputRow } from './e2e-throughput.ts';
import { benchIngestCpu } from './ingest-cpu.ts';
import { benchLogBytes } from './log-bytes.ts';
import { benchReadCosts } from './read-costs.ts';
import {
  printBundles,
  printCost,
  printE2e,
  printIngest,
  printLogs,
  printReads,
  printWrites,
} from './report.ts';
import { type Emulators, startEmulators, webhookPathTopology } from './support/system.ts';
import { benchWorkerWrites } from './worker-writes.ts';

/**
 * `npm run bench`: the benchmark of record. Every figure is measured side by side in one run on one machine, and
 * the report goes to docs/benchmarks.md with this command. Not part of `npm test`.
 *
 *   npm run bench                          all sections
 *   npm run bench -- --only e2e,reads      some of them: ingest, writes, e2e, reads, bundles, cost
 *   BENCH_QUICK=1 npm run bench            small sizes, for a smoke run (about a minute)
 *
 * Knobs (defaults full / quick): BENCH_ITERATIONS 20000/2000, BENCH_PAYMENTS 200/50, BENCH_MEMBERSHIPS 20/5, BENCH_E2E_EVENTS
 * "1000,5000"/"200,500", BENCH_CONCURRENCY 16, BENCH_WARMUP 300/50, BENCH_HISTORY "150,1150,6150"/"150,400",
 * BENCH_CURRENT_MONTH 150, BENCH_COLD_RUNS 15/3, BENCH_LOG_EVENTS 200/50, BENCH_TIMEOUT_MINUTES 20.
 */
const sectionNames = ['ingest', 'writes', 'e2e', 'reads', 'bundles', 'cost'] as const;
type Section = (typeof sectionNames)[number];

const quick = process.env.BENCH_QUICK === '1';
const knob = (name: string, full: number, small: number) =>
  Number(process.env[name] ?? (quick ? small : full));
const list = (name: string, full: string, small: string) =>
  (process.env[name] ?? (quick ? small : full)).split(',').map((value) => Number(value.trim()));

const config = {
  iterations: knob('BENCH_ITERATIONS', 20_000, 2_000),
  payments: knob('BENCH_PAYMENTS', 200, 50),
  memberships: knob('BENCH_MEMBERSHIPS', 20, 5),
  e2eEvents: list('BENCH_E2E_EVENTS', '1000,5000', '200,500'),
  concurrency: knob('BENCH_CONCURRENCY', 16, 16),
  warmup: knob('BENCH_WARMUP', 300, 50),
  history: list('BENCH_HISTORY', '150,1150,6150', '150,400'),
  currentMonth: knob('BENCH_CURRENT_MONTH', 150, 150),
  coldRuns: knob('BENCH_COLD_RUNS', 15, 3),
  logEvents: knob('BENCH_LOG_EVENTS', 200, 50),
  timeoutMinutes: knob('BENCH_TIMEOUT_MINUTES', 20, 20),
};

function selectedSections(argv: readonly string[]): Set<Section> {
  const index = argv.indexOf('--only');
  const inline = argv.find((arg) => arg.startsWith('--only='));
  const value = inline ? inline.slice('--only='.length) : index >= 0 ? argv[index + 1] : undefined;
  if (value === undefined) return new Set(sectionNames);
  const names = value.split(',').map((name) => name.trim());
  const unknown = names.filter((name) => !(sectionNames as readonly string[]).includes(name));
  if (unknown.length > 0)
    throw new Error(`bench: unknown section ${unknown.join(', ')}; use ${sectionNames.join(', ')}`);
  return new Set(names as Section[]);
}

/** The machine's 1-minute load average: other work on the machine moves absolute figures (ratios less). */
const loadAverage = () => (loadavg()[0] ?? 0).toFixed(2);

const sections = selectedSections(process.argv.slice(2));
// Bounded in time: a stuck emulator or a lost message ends the run with an error instead of hanging it.
const watchdog = setTimeout(() => {
  console.error(`bench: still running after ${config.timeoutMinutes} minutes; giving up`);
  process.exit(2);
}, config.timeoutMinutes * 60_000);
watchdog.unref();

const progress = (text: string) =>
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${text}\n`);
const started = Date.now();
console.log(
  `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}${quick ? ' (BENCH_QUICK=1)' : ''}`,
);
console.log(
  `${new Date().toISOString()}, node ${process.version}, ${process.arch}, ${cpus().length} cores, load average ${loadAverage()}`,
);
console.log(`config ${JSON.stringify(config)}`);

const needsEmulators = ['writes', 'e2e', 'reads', 'cost'].some((name) => sections.has(name as Section));
let emulators: Emulators | undefined;
try {
  if (needsEmulators) {
    progress('starting DynamoDB Local, fauxqs and the Stripe simulator');
    emulators = await startEmulators();
  }
  if (sections.has('ingest')) {
    progress('ingest CPU');
    printIngest(await benchIngestCpu(config.iterations));
  }
  let writes: Awaited<ReturnType<typeof benchWorkerWrites>> | undefined;
  if (emulators && (sections.has('writes') || sections.has('cost'))) {
    progress('worker writes and capacity');
    writes = await benchWorkerWrites(emulators, config.payments, config.memberships);
    if (sections.has('writes')) printWrites(writes);
  }
  let e2e: ThroughputRow[] | undefined;
  if (emulators && sections.has('e2e')) {
    progress(`end-to-end ${config.e2eEvents.join(', ')} events`);
    e2e = await benchE2eThroughput(emulators, config.e2eEvents, config.concurrency, config.warmup);
    printE2e(e2e);
  }
  if (emulators && sections.has('reads')) {
    progress(`reads at ${config.history.join(', ')} payments of history`);
    printReads(await benchReadCosts(emulators, config.history, config.currentMonth, config.concurrency));
  }
  if (sections.has('bundles')) {
    progress('bundles and cold loads');
    printBundles(await benchBundles(config.coldRuns));
  }
  if (emulators && writes && sections.has('cost')) {
    progress('log bytes and cost model');
    const logs = await benchLogBytes(emulators, config.logEvents, config.concurrency);
    printLogs(logs);
    const topology = webhookPathTopology();
    const messageBytes =
      e2e?.[0]?.messageBytes ?? (await benchE2eThroughput(emulators, [20], 4, 0))[0]?.messageBytes ?? 0;
    const inputs = {
      wruPerEvent: writes.wruPerWebhookEvent,
      rruPerEvent: writes.rruPerWebhookEvent,
      messageBytes,
      ingestLogBytes: logs.byService['webhook-ingest']?.bytesPerEvent ?? 0,
      workerLogBytes: logs.byService['payments-worker']?.bytesPerEvent ?? 0,
      ingestMemoryMb: topology.ingestMemoryMb,
      workerMemoryMb: topology.workerMemoryMb,
    };
    printCost([costPerMillion(inputs, 1), costPerMillion(inputs, 10)], floorPerMillion(10));
  }
} finally {
  await emulators?.stop();
}
console.log(
  `\n(run took ${((Date.now() - started) / 1000).toFixed(0)} s; load average at the end ${loadAverage()})`,
);
