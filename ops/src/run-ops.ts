import { parseArgs } from 'node:util';
import { queueStatuses } from '@basis/local';
import { type Mode, modes, type QueueName, queueNames } from '@basis/shared';
import { formatStatuses } from './commands/status.ts';
import { localTarget } from './targets/local-target.ts';
import type { OpsTarget } from './targets/ops-target.ts';

/** Where the commands write: results to `out`, the progress of long runs to `progress` (a line that updates). */
export interface OpsIo {
  out(line: string): void;
  progress(line: string): void;
}

export interface OpsDefaults {
  /** The `npm start` stack's data folder (its endpoints file is there). */
  dataDir: string;
  /** A stage's clinic secret prefix (`basis:clinicSecretPrefix`). */
  secretPrefix: string;
}

export const usage = `Usage: npm run ops -- <command> [options]

Commands:
  status                                       queue depths, DLQ counts, oldest ages
  redrive --queue <${queueNames.join('|')}>       move the queue's DLQ back into the queue
  replay --clinic <id> --mode <test|live> --event <evt_…>
                                               re-read one event from Stripe and enqueue it
  replay --clinic <id> --mode <test|live> --from <ISO time> --to <ISO time>
                                               re-list a window from Stripe's Events API and enqueue it

Where (default: the local stack of npm start):
  --stage <name>            a deployed stage (AWS credentials and region from the environment)
  --secret-prefix <prefix>  the stage's clinic secret prefix (default: cdk.json's basis:clinicSecretPrefix)
  --data-dir <folder>       the local stack's data folder (default: .local-data)`;

/** A command line that cannot run: printed with the usage, exit code 2. */
export class UsageError extends Error {}

const options = {
  stage: { type: 'string' },
  'secret-prefix': { type: 'string' },
  'data-dir': { type: 'string' },
  clinic: { type: 'string' },
  mode: { type: 'string' },
  event: { type: 'string' },
  from: { type: 'string' },
  to: { type: 'string' },
  queue: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

type Values = ReturnType<typeof parseArgs<{ options: typeof options; allowPositionals: true }>>['values'];

function required(values: Values, name: 'clinic' | 'mode' | 'queue'): string {
  const value = values[name];
  if (!value) throw new UsageError(`--${name} is required.`);
  return value;
}

function modeOf(values: Values): Mode {
  const mode = required(values, 'mode');
  if (!(modes as readonly string[]).includes(mode))
    throw new UsageError(`--mode must be ${modes.join(' or ')}.`);
  return mode as Mode;
}

function timeOf(values: Values, name: 'from' | 'to'): Date {
  const value = values[name];
  const time = value ? new Date(value) : undefined;
  if (!time || Number.isNaN(time.getTime()))
    throw new UsageError(`--${name} must be an ISO time, e.g. 2026-11-29T10:00:00Z.`);
  return time;
}

async function targetOf(values: Values, defaults: OpsDefaults): Promise<OpsTarget> {
  if (!values.stage) return localTarget(values['data-dir'] ?? defaults.dataDir);
  // Loaded only for a stage: the AWS-only clients stay out of local runs.
  const { stageTarget } = await import('./targets/stage-target.ts');
  return stageTarget(values.stage, values['secret-prefix'] ?? defaults.secretPrefix);
}

/** A command whose arguments were checked: it runs against a target. */
type Runner = (target: OpsTarget) => Promise<void>;

function replay(values: Values, io: OpsIo): Runner {
  const clinicId = required(values, 'clinic');
  const mode = modeOf(values);
  if (values.event) {
    const eventId = values.event;
    if (values.from || values.to) throw new UsageError('Give either --event or --from and --to, not both.');
    return async (target) => {
      const replayed = await target.replayer.replayEvent({ clinicId, mode, eventId });
      io.out(
        replayed.queue === 'ignored'
          ? `${replayed.eventId} (${replayed.type}): no worker handles this type; nothing enqueued.`
          : `${replayed.eventId} (${replayed.type}) enqueued to ${replayed.queue}.`,
      );
    };
  }
  const from = timeOf(values, 'from');
  const to = timeOf(values, 'to');
  if (from.getTime() > to.getTime()) throw new UsageError('--from must not be after --to.');
  return async (target) => {
    const started = Date.now();
    const done = await target.replayer.replayEventRange({ clinicId, mode, from, to }, (progress) =>
      io.progress(
        `replay ${clinicId} ${mode}: ${progress.listed} listed, ${progress.enqueued} enqueued, ${progress.ignored} ignored (${Math.round((Date.now() - started) / 1000)} s)`,
      ),
    );
    io.out(
      `Replayed ${from.toISOString()} – ${to.toISOString()} for ${clinicId} (${mode}): ${done.listed} events listed, ${done.enqueued} enqueued, ${done.ignored} of types no worker handles.`,
    );
  };
}

function redrive(values: Values, io: OpsIo): Runner {
  const queue = required(values, 'queue');
  if (!(queueNames as readonly string[]).includes(queue)) {
    throw new UsageError(`--queue must be one of ${queueNames.join(', ')}.`);
  }
  return async (target) => {
    const result = await target.redrive(queue as QueueName, (moved) =>
      io.progress(`redrive ${queue}: ${moved} messages moved`),
    );
    io.out(
      result.kind === 'move-task'
        ? `Redrive of the ${queue} DLQ done (SQS move task ${result.taskHandle}): about ${result.approximateMessages} messages moved.`
        : `Redrive of the ${queue} DLQ done: ${result.moved} messages moved back to ${queue}.`,
    );
  };
}

function status(io: OpsIo): Runner {
  return async (target) => {
    for (const line of formatStatuses(await queueStatuses(target))) io.out(line);
  };
}

/**
 * `npm run ops`: parses the command line, finds the target (local or `--stage`), runs one command. Returns the
 * exit code: 0 done, 2 a command line that cannot run (the usage is printed). Other failures throw.
 */
export async function runOps(argv: readonly string[], io: OpsIo, defaults: OpsDefaults): Promise<number> {
  let parsed: ReturnType<typeof parseArgs<{ options: typeof options; allowPositionals: true }>>;
  try {
    parsed = parseArgs({ args: [...argv], options, allowPositionals: true, strict: true });
  } catch (error) {
    io.out(`${(error as Error).message}\n\n${usage}`);
    return 2;
  }
  const { values, positionals } = parsed;
  const [command, ...extra] = positionals;
  if (values.help || !command) {
    io.out(usage);
    return values.help ? 0 : 2;
  }
  const commands: Record<string, () => Runner> = {
    status: () => status(io),
    redrive: () => redrive(values, io),
    replay: () => replay(values, io),
  };
  const plan = commands[command];
  if (!plan || extra.length > 0) {
    io.out(`Unknown command: ${positionals.join(' ')}\n\n${usage}`);
    return 2;
  }
  let run: Runner;
  try {
    // Every argument is checked before anything is reached: a bad command line touches nothing.
    run = plan();
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.out(`${error.message}\n\n${usage}`);
    return 2;
  }
  const target = await targetOf(values, defaults);
  try {
    io.out(`${command} on the ${target.description}`);
    await run(target);
    return 0;
  } finally {
    target.close();
  }
}
