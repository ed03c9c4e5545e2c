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
  /**
   * Write units by the kind of item written: `ledger` for an event-ledger entry, else the sort key's first segment
   * (`PAYMENT`, `MEMBERSHIP`, `CLIENT_MEMBERSHIP`, …); `transaction` / `batch` for multi-item writes.
   */
  wruByKind: Record<string, number>;
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

/** A key attribute as the document client or the low-level client carries it (`'x'` or `{ S: 'x' }`). */
function text(value: unknown): string {
  if (typeof value === 'string') return value;
  const s = (value as { S?: unknown } | undefined)?.S;
  return typeof s === 'string' ? s : '';
}

function kindOf(
  name: string,
  input: { Key?: Record<string, unknown>; Item?: Record<string, unknown> },
): string {
  if (name === 'TransactWriteItemsCommand') return 'transaction';
  if (name === 'BatchWriteItemCommand') return 'batch';
  const key = input.Key ?? input.Item ?? {};
  if (text(key.pk).includes('#EVENTS#')) return 'ledger';
  return text(key.sk).split('#')[0] || 'unknown';
}

interface BatchGetShapes {
  input: { RequestItems?: Record<string, { Keys?: unknown[]; ConsistentRead?: boolean }> };
  output: {
    Responses?: Record<string, unknown[]>;
    UnprocessedKeys?: Record<string, { Keys?: unknown[] }>;
  };
}

/**
 * The read units of a `BatchGetItem`'s keys that found no item. DynamoDB charges a read of an absent item as it
 * charges a GetItem of one (1 RRU strongly consistent, 0.5 eventually; Developer Guide, "DynamoDB read and write
 * operations": "If you perform a read operation on an item that doesn't exist, DynamoDB will still consume read
 * throughput"), and so DynamoDB Local does for GetItem; for BatchGetItem it reports only the items found. Keys
 * answered unprocessed were not read and cost nothing.
 */
function absentBatchGetUnits({ input, output }: BatchGetShapes): number {
  let units = 0;
  for (const [table, request] of Object.entries(input.RequestItems ?? {})) {
    const asked = request.Keys?.length ?? 0;
    const found = output.Responses?.[table]?.length ?? 0;
    const unprocessed = output.UnprocessedKeys?.[table]?.Keys?.length ?? 0;
    units += Math.max(0, asked - found - unprocessed) * (request.ConsistentRead ? 1 : 0.5);
  }
  return units;
}

function unitsOf(entry: CapacityShape | undefined): number {
  return entry?.CapacityUnits ?? (entry?.ReadCapacityUnits ?? 0) + (entry?.WriteCapacityUnits ?? 0);
}

/** The units a request consumed, as DynamoDB would charge them (see `absentBatchGetUnits`). */
function reportedUnits(name: string, input: unknown, output: unknown): number {
  const consumed = (output as { ConsumedCapacity?: CapacityShape | CapacityShape[] }).ConsumedCapacity;
  const reported = Array.isArray(consumed)
    ? consumed.reduce((sum, entry) => sum + unitsOf(entry), 0)
    : unitsOf(consumed);
  if (name !== 'BatchGetItemCommand') return reported;
  return (
    reported +
    absentBatchGetUnits({
      input: input as BatchGetShapes['input'],
      output: output as BatchGetShapes['output'],
    })
  );
}

/**
 * Asks DynamoDB for `ReturnConsumedCapacity: 'TOTAL'` on every request a client sends (an SDK middleware, so the
 * document client's commands are metered as the low-level commands they become) and sums the units: the figure
 * on-demand billing charges, rather than a count of requests.
 */
export function meterConsumedCapacity(client: DynamoDBClient): CapacityMeter {
  const empty = (): CapacityTotals => ({
    wru: 0,
    rru: 0,
    requests: {},
    failed: 0,
    conditionFailures: 0,
    wruByKind: {},
  });
  let totals = empty();
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
      const units = reportedUnits(name, args.input, result.output);
      if (writeCommands.has(name)) {
        totals.wru += units;
        const kind = kindOf(name, args.input as Parameters<typeof kindOf>[1]);
        totals.wruByKind[kind] = (totals.wruByKind[kind] ?? 0) + units;
      } else totals.rru += units;
      return result;
    },
    { step: 'initialize', name: 'basisBenchCapacityMeter', override: true },
  );
  return {
    totals: () => ({ ...totals, requests: { ...totals.requests }, wruByKind: { ...totals.wruByKind } }),
    reset: () => {
      totals = empty();
    },
  };
}
