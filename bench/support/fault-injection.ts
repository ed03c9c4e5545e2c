import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { SQSClient } from '@aws-sdk/client-sqs';

/** What the injector did so far, per client. */
export interface FaultCounts {
  calls: number;
  injected: number;
}

/** Turns injected faults on and off, and reports how many calls each client made and how many were failed. */
export interface FaultInjector {
  /** Probability (0–1) that a call fails; 0 turns injection off. */
  rate: number;
  counts(): Record<string, FaultCounts>;
}

/**
 * The error a throttled AWS call ends with once the SDK's own retries are spent: the name DynamoDB and SQS use,
 * HTTP 400, and `$retryable` set, so any code that looks at it sees a retryable failure. Thrown before the request
 * is sent, so the emulator never sees it: the call had no effect.
 */
function throttled(service: string, commandName: string): Error {
  const name = service === 'dynamodb' ? 'ProvisionedThroughputExceededException' : 'ThrottlingException';
  return Object.assign(new Error(`Injected fault: ${commandName} throttled (bench)`), {
    name,
    $fault: 'client',
    $retryable: { throttling: true },
    $metadata: { httpStatusCode: 400, attempts: 3, totalRetryDelay: 0 },
  });
}

/** The part of an SDK client's middleware stack the injector uses: an `initialize`-step middleware. */
interface FaultableStack {
  add(
    middleware: (
      next: (args: { input: object }) => Promise<{ output: object; response: unknown }>,
      context: { commandName?: string },
    ) => (args: { input: object }) => Promise<{ output: object; response: unknown }>,
    options: { step: 'initialize'; priority: 'high'; name: string },
  ): void;
}

/**
 * Adds a middleware to each client that fails a random share of its calls (`rate`) before the request, at the
 * `initialize` step: ahead of the SDK's retry middleware, so a failed call surfaces to the caller as if the SDK had
 * given up. A DynamoDB document client built on the DynamoDB client shares its middleware stack, so it is covered.
 * `random` is injected so that a run can be seeded.
 */
export function injectFaults(
  clients: { dynamodb: DynamoDBClient; sqs: SQSClient },
  random: () => number,
): FaultInjector {
  const counts: Record<string, FaultCounts> = {};
  const injector: FaultInjector = {
    rate: 0,
    counts: () => structuredClone(counts),
  };
  const install = (service: string, stack: FaultableStack) => {
    const tally: FaultCounts = { calls: 0, injected: 0 };
    counts[service] = tally;
    stack.add(
      (next, context) => async (args) => {
        tally.calls++;
        if (injector.rate > 0 && random() < injector.rate) {
          tally.injected++;
          throw throttled(service, context.commandName ?? 'call');
        }
        return next(args);
      },
      { step: 'initialize', priority: 'high', name: 'benchFaultInjection' },
    );
  };
  install('dynamodb', clients.dynamodb.middlewareStack);
  install('sqs', clients.sqs.middlewareStack);
  return injector;
}
