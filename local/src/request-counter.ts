import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';

const writeCommands = new Set([
  'PutItemCommand',
  'UpdateItemCommand',
  'DeleteItemCommand',
  'BatchWriteItemCommand',
  'TransactWriteItemsCommand',
]);

export interface RequestCounter {
  /** Requests by command name, e.g. `{ GetItemCommand: 3, PutItemCommand: 1 }`. */
  counts(): Record<string, number>;
  /** Of those, the requests DynamoDB refused by command name, e.g. a conditional write that lost a race. */
  refused(): Record<string, number>;
  writes(): number;
  reset(): void;
}

/**
 * Counts the requests a DynamoDB client sends, through an SDK middleware (so the document client's commands are
 * counted as the low-level commands they become). Used by tests and benchmarks to prove write costs.
 */
export function countDynamoRequests(client: DynamoDBClient): RequestCounter {
  let counts: Record<string, number> = {};
  let refused: Record<string, number> = {};
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const name = context.commandName ?? 'unknown';
      counts[name] = (counts[name] ?? 0) + 1;
      try {
        return await next(args);
      } catch (error) {
        refused[name] = (refused[name] ?? 0) + 1;
        throw error;
      }
    },
    { step: 'initialize', name: 'basisRequestCounter', override: true },
  );
  return {
    counts: () => ({ ...counts }),
    refused: () => ({ ...refused }),
    writes: () =>
      Object.entries(counts).reduce((sum, [name, n]) => sum + (writeCommands.has(name) ? n : 0), 0),
    reset: () => {
      counts = {};
      refused = {};
    },
  };
}

/**
 * Makes a DynamoDB client refuse Scan: every access path of the system is a key lookup or a Query on the table or
 * its index. The local stack installs it, so a code path that scans fails in every test that reaches it.
 */
export function forbidScans(client: DynamoDBClient): void {
  client.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName === 'ScanCommand') {
        throw new Error('Scan is not allowed: use a key, or a Query on the table or its index.');
      }
      return next(args);
    },
    { step: 'initialize', name: 'basisForbidScans', override: true },
  );
}
