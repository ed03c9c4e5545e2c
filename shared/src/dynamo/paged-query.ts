import { createHash } from 'node:crypto';
import {
  type DynamoDBDocumentClient,
  QueryCommand,
  type QueryCommandInput,
  type QueryCommandOutput,
} from '@aws-sdk/lib-dynamodb';
import { ValidationError } from '../errors/errors.ts';

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

type QueryInput = Omit<QueryCommandInput, 'Limit' | 'ExclusiveStartKey'>;

/** The longest cursor accepted (a handed-out one is a few hundred characters). */
const maxCursorLength = 2048;

/**
 * What a cursor is bound to: the table, index, key condition, filter, values and direction of the query that handed
 * it out. A cursor of another clinic, mode or filter then reads as not ours (400), instead of reaching DynamoDB.
 */
function queryDigest(input: QueryInput): string {
  const bound = [
    input.TableName,
    input.IndexName ?? null,
    input.KeyConditionExpression ?? null,
    input.FilterExpression ?? null,
    input.ExpressionAttributeNames ?? null,
    input.ExpressionAttributeValues ?? null,
    input.ScanIndexForward ?? true,
  ];
  return createHash('sha256').update(JSON.stringify(bound)).digest('base64url').slice(0, 22);
}

function encodeCursor(key: Record<string, unknown>, digest: string): string {
  return Buffer.from(JSON.stringify({ k: key, q: digest })).toString('base64url');
}

function refused(): ValidationError {
  return new ValidationError('cursor', 'The cursor is not one this API handed out for this query.');
}

function decodeCursor(
  cursor: string,
  expectedKeys: readonly string[],
  digest: string,
): Record<string, string> {
  if (cursor.length > maxCursorLength || !/^[\w-]+$/.test(cursor)) throw refused();
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw refused();
  }
  if (typeof decoded !== 'object' || decoded === null) throw refused();
  const { k: key, q } = decoded as { k?: unknown; q?: unknown };
  if (q !== digest || typeof key !== 'object' || key === null || Array.isArray(key)) throw refused();
  const entries = Object.entries(key);
  const names = entries.map(([name]) => name).sort();
  if (
    names.join() !== [...expectedKeys].sort().join() ||
    !entries.every(([, value]) => typeof value === 'string' && value.length > 0 && value.length <= 1024)
  ) {
    throw refused();
  }
  return key as Record<string, string>;
}

/** DynamoDB's answer to a start key that does not fit the query (outside its partition or its key range). */
function isStartKeyRefusal(error: unknown): boolean {
  return error instanceof Error && error.name === 'ValidationException';
}

/** One Query call from `startKey`; a start key from a cursor that DynamoDB refuses is the caller's bad cursor. */
async function queryFrom(
  doc: DynamoDBDocumentClient,
  input: QueryCommandInput,
  startKey: Record<string, unknown> | undefined,
  fromCursor: boolean,
): Promise<QueryCommandOutput> {
  try {
    return await doc.send(
      new QueryCommand({ ...input, ...(startKey ? { ExclusiveStartKey: startKey } : {}) }),
    );
  } catch (error) {
    if (fromCursor && isStartKeyRefusal(error)) throw refused();
    throw error;
  }
}

/**
 * One page of a Query, however selective its FilterExpression: reads on until `limit` matching items or the end,
 * and hands out an opaque cursor that resumes right after the last item returned. A cursor is the last key of the
 * page (`keyAttributes`, all strings) bound to the query that made it; any other cursor (forged, cut, of another
 * query, or a key DynamoDB refuses as a start key) is 400 `validation_failed` on `cursor`, never a 500.
 */
export async function queryPage<T>(
  doc: DynamoDBDocumentClient,
  input: QueryInput,
  options: {
    limit: number;
    cursor: string | undefined;
    keyAttributes: readonly string[];
    map: (item: Record<string, unknown>) => T;
  },
): Promise<Page<T>> {
  const items: T[] = [];
  const digest = queryDigest(input);
  let startKey: Record<string, unknown> | undefined = options.cursor
    ? decodeCursor(options.cursor, options.keyAttributes, digest)
    : undefined;
  let fromCursor = startKey !== undefined;
  for (;;) {
    const output = await queryFrom(doc, { ...input, Limit: options.limit }, startKey, fromCursor);
    fromCursor = false;
    for (const item of output.Items ?? []) {
      items.push(options.map(item));
      if (items.length === options.limit) {
        const last = Object.fromEntries(options.keyAttributes.map((name) => [name, item[name]]));
        // Only hand out a cursor when something may follow.
        const more = item !== output.Items?.at(-1) || output.LastEvaluatedKey !== undefined;
        return { items, nextCursor: more ? encodeCursor(last, digest) : null };
      }
    }
    if (!output.LastEvaluatedKey) return { items, nextCursor: null };
    startKey = output.LastEvaluatedKey;
  }
}

/**
 * Every item a Query answers, all pages read (`LastEvaluatedKey` followed until DynamoDB has no more): for small,
 * bounded sets (a payment with its refunds, a payout with its items, a report window), never for a history.
 */
export async function queryAll(
  doc: DynamoDBDocumentClient,
  input: QueryCommandInput,
): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const output: QueryCommandOutput = await doc.send(
      new QueryCommand({ ...input, ...(startKey ? { ExclusiveStartKey: startKey } : {}) }),
    );
    items.push(...(output.Items ?? []));
    startKey = output.LastEvaluatedKey;
  } while (startKey);
  return items;
}

/**
 * Every item of a partition whose sort key starts with `prefix`, all pages read: for small, bounded sets (a clinic's
 * plans, a client's memberships), never for a history.
 */
export function queryAllWithPrefix(
  doc: DynamoDBDocumentClient,
  tableName: string,
  pk: string,
  prefix: string,
): Promise<Record<string, unknown>[]> {
  return queryAll(doc, {
    TableName: tableName,
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
    ExpressionAttributeValues: { ':pk': pk, ':prefix': prefix },
  });
}
