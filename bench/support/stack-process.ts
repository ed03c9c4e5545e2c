import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { type CapacityMeter, type CapacityTotals, meterConsumedCapacity } from './consumed-capacity.ts';
import { type Emulators, type LocalStack, startBenchStack } from './system.ts';

/**
 * The local stack (API gateway, ingest, queue pollers, workers) running in a process of its own, as Lambda runs
 * functions in containers apart from the caller: the bench's load generator and the stack then no longer share
 * one event loop. Everything the bench reads about the stack crosses as a message.
 */
export interface StackProcess {
  /** The stack's process id (the bench reads its CPU time). */
  pid: number | undefined;
  apiUrl: string;
  tableName: string;
  queues: Pick<LocalStack['queues'], keyof LocalStack['queues']>;
  /** The stack's own DynamoDB client, metered (ConsumedCapacity) from the call on; answers the totals since. */
  meterStart(): Promise<void>;
  meterTotals(): Promise<CapacityTotals>;
  stop(): Promise<void>;
}

type Endpoints = Pick<Emulators, 'dynamoEndpoint' | 'sqsEndpoint' | 'stripeApiUrl'>;

type Operation =
  | { op: 'start'; endpoints: Endpoints }
  | { op: 'meterStart' }
  | { op: 'meterTotals' }
  | { op: 'stop' };
type Request = Operation & { id: number };

type Reply = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: string };

/** Starts the stack in a child process (this file, forked with the same loader flags) on the given emulators. */
export async function startStackProcess(emulators: Endpoints): Promise<StackProcess> {
  const child = fork(fileURLToPath(import.meta.url), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  let nextId = 0;
  const pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  child.on('message', (reply: Reply) => {
    const waiter = pending.get(reply.id);
    pending.delete(reply.id);
    if (reply.ok) waiter?.resolve(reply.value);
    else waiter?.reject(new Error(`bench stack process: ${reply.error}`));
  });
  child.on('exit', (code) => {
    for (const waiter of pending.values()) waiter.reject(new Error(`bench stack process exited (${code})`));
    pending.clear();
  });
  const call = <T>(request: Operation): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      child.send({ ...request, id });
    });
  const started = await call<Pick<StackProcess, 'apiUrl' | 'tableName' | 'queues'>>({
    op: 'start',
    endpoints: {
      dynamoEndpoint: emulators.dynamoEndpoint,
      sqsEndpoint: emulators.sqsEndpoint,
      stripeApiUrl: emulators.stripeApiUrl,
    },
  });
  return {
    ...started,
    pid: child.pid,
    meterStart: () => call<void>({ op: 'meterStart' }),
    meterTotals: () => call<CapacityTotals>({ op: 'meterTotals' }),
    stop: async () => {
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      await call<void>({ op: 'stop' });
      child.disconnect();
      await exited;
    },
  };
}

/** The child's side: one stack, answering the parent's requests in order. */
function serveStack(parent: ChildProcess | NodeJS.Process): void {
  let stack: LocalStack | undefined;
  let meter: CapacityMeter | undefined;
  const handle = async (request: Request): Promise<unknown> => {
    switch (request.op) {
      case 'start':
        stack = await startBenchStack({ ...request.endpoints, stop: async () => {} });
        return { apiUrl: stack.apiUrl, tableName: stack.tableName, queues: stack.queues };
      case 'meterStart':
        if (!stack) throw new Error('not started');
        // One middleware for the process's life; later runs reset it.
        meter ??= meterConsumedCapacity(stack.dynamo);
        meter.reset();
        return undefined;
      case 'meterTotals':
        if (!meter) throw new Error('meter not started');
        return meter.totals();
      case 'stop':
        await stack?.stop();
        stack = undefined;
        return undefined;
    }
  };
  // The bench ended without a stop (an error, the watchdog): the pollers would keep this process alive forever.
  parent.once('disconnect', () => {
    const stopping = stack?.stop() ?? Promise.resolve();
    stack = undefined;
    stopping.finally(() => process.exit(0));
  });
  parent.on('message', (message) => {
    const request = message as Request;
    handle(request).then(
      (value) => parent.send?.({ id: request.id, ok: true, value } satisfies Reply),
      (error: unknown) =>
        parent.send?.({ id: request.id, ok: false, error: String((error as Error)?.stack ?? error) }),
    );
  });
}

// Forked by startStackProcess: the IPC channel is the sign.
if (process.send && process.argv[1] === fileURLToPath(import.meta.url)) serveStack(process);
