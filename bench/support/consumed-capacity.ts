import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';

interface CapacityShape {
  CapacityUnits?: number;
  ReadCapacityUnits?: number;
  WriteCapacityUnits?: number;
}

/** What a DynamoDB client sent since the last reset. */
export interface CapacityTotals {
  /** Write request units, as DynamoDB reports them (table and indexes). */
  wru: number;
  /** Read request units, as DynamoDB reports them. */
  rru: number;
  /** Requests by command name, e.g. `{ QueryCommand: 3 }`. */
  requests: Record<string, number>;
  /** Requests that failed (e.g. a conditional write that lost): DynamoDB reports no capacity for them. */
  failed: number;
  /** Of those, conditional writes that lost (`ConditionalCheckFailedException`): a race, redone on fresh data. */
  conditionFailures: number;
}

export interface CapacityMeter {
  totals(): CapacityTotals;
  reset(): void;
}

const writeCommands = new Set([
  'PutItemCommand',
  'UpdateItemCommand',
  'DeleteItemCommand',
  'BatchWriteItemCommand',
  'TransactWriteItemsCommand',
]);

function unitsOf(entry: CapacityShape | undefined): number {
  return entry?.CapacityUnits ?? (entry?.ReadCapacityUnits ?? 0) + (entry?.WriteCapacityUnits ?? 0);
}

/**
 * Asks DynamoDB for `ReturnConsumedCapacity: 'TOTAL'` on every request a client sends (an SDK middleware, so the
 * document client's commands are metered as the low-level commands they become) and sums the units: the figure
 * on-demand billing charges, rather than a count of requests.
 */
export function meterConsumedCapacity(client: DynamoDBClient): CapacityMeter {
  let totals: CapacityTotals = { wru: 0, rru: 0, requests: {}, failed: 0, conditionFailures: 0 };
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const name = context.commandName ?? 'unknown';
      const input = args.input as { ReturnConsumedCapacity?: string };
      // Only where the caller did not ask already; TOTAL covers the table and its indexes.
      if (input.ReturnConsumedCapacity === undefined) input.ReturnConsumedCapacity = 'TOTAL';
      totals.requests[name] = (totals.requests[name] ?? 0) + 1;
      let result: Awaited<ReturnType<typeof next>>;
      try {
        result = await next(args);
      } catch (error) {
        totals.failed += 1;
        if ((error as Error).name === 'ConditionalCheckFailedException') totals.conditionFailures += 1;
        throw error;
      }
      const consumed = (result.output as { ConsumedCapacity?: CapacityShape | CapacityShape[] })
        .ConsumedCapacity;
      const units = Array.isArray(consumed)
        ? consumed.reduce((sum, entry) => sum + unitsOf(entry), 0)
        : unitsOf(consumed);
      if (writeCommands.has(name)) totals.wru += units;
      else totals.rru += units;
      return result;
    },
    { step: 'initialize', name: 'basisBenchCapacityMeter', override: true },
  );
  return {
    totals: () => ({ ...totals, requests: { ...totals.requests } }),
    reset: () => {
      totals = { wru: 0, rru: 0, requests: {}, failed: 0, conditionFailures: 0 };
    },
  };
}
