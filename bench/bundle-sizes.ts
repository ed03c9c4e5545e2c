import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { build, type Metafile } from 'esbuild';
import {
  cdkBundlingOptions,
  deployedNodeFlags,
  repositoryRoot,
  writeDeferredPackages,
} from './support/cdk-bundling.ts';
import { median } from './support/stats.ts';
import { functionEntries, handlerEnvironment } from './support/system.ts';

const run = promisify(execFile);

/** The reference: a handler that holds only `@aws-sdk/client-sqs` and sends one message. */
const sqsOnlySource = `
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
const sqs = new SQSClient({});
export const handler = async (event: { body?: string }) => {
  await sqs.send(new SendMessageCommand({ QueueUrl: process.env.QUEUE_URL, MessageBody: event.body ?? '' }));
  return { statusCode: 200 };
};
`;

/**
 * Imports a bundle in this (fresh) process and prints the milliseconds the import took, wall clock and CPU (user +
 * system), then the CPU milliseconds of importing the function's deferred packages by their bare names (argv[2],
 * comma-separated; resolved from the bundle's folder, the process's working directory, as the handler's own
 * `import('stripe')` resolves them), as `[wall, cpu, deferredCpu]`. The cold figure ends before the deferred import.
 */
const loader = `const started = performance.now();
const cpu = process.cpuUsage();
await import(process.argv[1]);
const used = process.cpuUsage(cpu);
const wall = performance.now() - started;
const deferred = process.cpuUsage();
for (const name of (process.argv[2] ?? '').split(',').filter(Boolean)) await import(name);
const deferredUsed = process.cpuUsage(deferred);
process.stdout.write(JSON.stringify([wall, (used.user + used.system) / 1000, (deferredUsed.user + deferredUsed.system) / 1000]));`;

export interface BundleRow {
  name: string;
  /** Size of the minified `index.mjs` (the source map ships beside it; Node loads it only with `--enable-source-maps`). */
  kb: number;
  /** The packages shipped beside `index.mjs` and imported on first use (the Stripe SDK), and their size, KB. */
  deferred: { packages: string[]; kb: number };
  /**
   * Median CPU ms of importing the deferred packages once the handler is loaded: what the first request that needs
   * them pays, once per container (0 without any).
   */
  firstUseCpuMs: number;
  /** Median import time in a fresh `node` process, ms, wall clock. */
  coldMs: number;
  /** Median CPU time (user + system) of the same imports, ms. */
  coldCpuMs: number;
  /**
   * coldCpuMs / the SQS-only bundle's coldCpuMs. CPU time, not wall clock: the import is CPU-bound (parse, compile,
   * module top-level code), and on a machine that other work shares, wall clock measures the neighbours too.
   */
  ratio: number;
  /** The goal for this function: ingest ≤ 500 KB and ≤ 1.2×, every other function ≤ 1.5×. */
  goal: string;
  meetsGoal: boolean;
}

export interface BundleResult {
  reference: { kb: number; coldMs: number; coldCpuMs: number };
  /** What fills the ingest bundle: KB of minified output by npm package (or workspace folder), largest first. */
  ingestContents: Array<{ source: string; kb: number }>;
  rows: BundleRow[];
  runs: number;
  target: string;
  /** The Node.js flags the cold loads ran with: the functions' `NODE_OPTIONS` (none: source maps are not loaded). */
  nodeFlags: string[];
}

/** Output bytes grouped by npm package (`@scope/name`) or, for the repository's own code, its top folder. */
function contentsByPackage(metafile: Metafile): Array<{ source: string; kb: number }> {
  const bytes = new Map<string, number>();
  for (const output of Object.values(metafile.outputs)) {
    for (const [path, input] of Object.entries(output.inputs)) {
      const modules = path.split('node_modules/');
      const last = modules.at(-1) ?? path;
      const parts = last.split('/');
      const source =
        modules.length > 1
          ? (last.startsWith('@') ? parts.slice(0, 2) : parts.slice(0, 1)).join('/')
          : (parts.slice(0, 2).join('/') ?? path);
      bytes.set(source, (bytes.get(source) ?? 0) + input.bytesInOutput);
    }
  }
  return [...bytes.entries()]
    .map(([source, size]) => ({ source, kb: size / 1024 }))
    .sort((a, b) => b.kb - a.kb);
}

interface ColdLoad {
  wall: number;
  cpu: number;
  /** CPU ms of importing the deferred packages after the handler. */
  deferredCpu: number;
}

async function coldLoadMs(
  file: string,
  deferred: readonly string[],
  env: NodeJS.ProcessEnv,
  nodeFlags: string[],
): Promise<ColdLoad> {
  const { stdout } = await run(
    process.execPath,
    [...nodeFlags, '--input-type=module', '-e', loader, pathToFileURL(file).href, deferred.join(',')],
    { env, cwd: dirname(file) },
  );
  const [wall, cpu, deferredCpu] = JSON.parse(stdout) as [number, number, number];
  return { wall, cpu, deferredCpu };
}

function deferredKb(outDir: string, packages: readonly string[]): number {
  return packages.reduce(
    (sum, name) => sum + statSync(join(outDir, 'node_modules', name, 'index.mjs')).size / 1024,
    0,
  );
}

/**
 * Bundles every Lambda function as CDK does (its file, and its deferred packages beside it), weighs it, and times its
 * cold load (a fresh `node` process importing the file, as Lambda's init does, with the functions' deployed
 * `NODE_OPTIONS`; wall clock and CPU), median of `runs`, rounds interleaved so each bundle sees the same machine state;
 * the ratio of CPU times to an SQS-only bundle built the same way is the figure. The same process then imports the
 * deferred packages (the first Stripe-using request's extra cost), timed apart.
 */
export async function benchBundles(runs: number): Promise<BundleResult> {
  const options = cdkBundlingOptions();
  const nodeFlags = deployedNodeFlags();
  const outDir = mkdtempSync(join(tmpdir(), 'basis-bench-bundles-'));
  try {
    const targets: Array<{ name: string; file: string; memoryMb: number; deferred: string[] }> = [];
    let ingestContents: Array<{ source: string; kb: number }> = [];
    const referenceFile = join(outDir, 'sqs-only', 'index.mjs');
    await build({
      ...options,
      stdin: { contents: sqsOnlySource, resolveDir: repositoryRoot, sourcefile: 'sqs-only.ts', loader: 'ts' },
      outfile: referenceFile,
    });
    for (const fn of functionEntries()) {
      const file = join(outDir, fn.name, 'index.mjs');
      const output = await build({
        ...cdkBundlingOptions(fn.definition),
        entryPoints: [join(repositoryRoot, fn.entry)],
        outfile: file,
        metafile: fn.name === 'webhookIngest',
      });
      if (output.metafile) ingestContents = contentsByPackage(output.metafile);
      const deferred = writeDeferredPackages(fn.definition, dirname(file));
      targets.push({ name: fn.name, file, memoryMb: fn.memoryMb, deferred });
    }
    const env = {
      PATH: process.env.PATH ?? '',
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'bench',
      AWS_SECRET_ACCESS_KEY: 'bench',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/000000000000/bench',
      ...handlerEnvironment(),
    };
    const times = new Map<string, ColdLoad[]>([
      ['reference', []],
      ...targets.map((t) => [t.name, []] as [string, ColdLoad[]]),
    ]);
    // One warm-up import each (disk cache, V8 code cache is off by default), then interleaved rounds.
    await coldLoadMs(referenceFile, [], env, nodeFlags);
    for (const target of targets) await coldLoadMs(target.file, target.deferred, env, nodeFlags);
    for (let round = 0; round < runs; round++) {
      times.get('reference')?.push(await coldLoadMs(referenceFile, [], env, nodeFlags));
      for (const target of targets)
        times.get(target.name)?.push(await coldLoadMs(target.file, target.deferred, env, nodeFlags));
    }
    const medians = (name: string) => {
      const samples = times.get(name) ?? [];
      return {
        wall: median(samples.map((s) => s.wall)),
        cpu: median(samples.map((s) => s.cpu)),
        deferredCpu: median(samples.map((s) => s.deferredCpu)),
      };
    };
    const reference = medians('reference');
    const kb = (file: string) => statSync(file).size / 1024;
    return {
      reference: { kb: kb(referenceFile), coldMs: reference.wall, coldCpuMs: reference.cpu },
      ingestContents,
      runs,
      target: String(options.target),
      nodeFlags,
      rows: targets.map((target) => {
        const cold = medians(target.name);
        const size = kb(target.file);
        const ratio = cold.cpu / reference.cpu;
        const ingest = target.name === 'webhookIngest';
        return {
          name: target.name,
          kb: size,
          deferred: { packages: target.deferred, kb: deferredKb(dirname(target.file), target.deferred) },
          firstUseCpuMs: cold.deferredCpu,
          coldMs: cold.wall,
          coldCpuMs: cold.cpu,
          ratio,
          goal: ingest ? '≤ 500 KB, ≤ 1.2×' : '≤ 1.5×',
          meetsGoal: ingest ? size <= 500 && ratio <= 1.2 : ratio <= 1.5,
        };
      }),
    };
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
}
