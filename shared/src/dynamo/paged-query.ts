import { type DynamoDBDocumentClient, QueryCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { ValidationError } from '../errors/errors.ts';

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

function encodeCursor(key: Record<string, unknown>): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

function decodeCursor(cursor: string, expectedKeys: readonly string[]): Record<string, unknown> {
  try {
    const key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Record<string, unknown>;
    const names = Object.keys(key).sort();
    if (
      names.join() !== [...expectedKeys].sort().join() ||
      !Object.values(key).every((v) => typeof v === 'string')
    ) {
      throw new Error('unexpected cursor keys');
    }
    return key;
  } catch {
    throw new ValidationError('cursor', 'The cursor is not one this API handed out.');
  }
}

/**
 * One page of a Query, however selective its FilterExpression: reads on until `limit` matching items or the end,
 * and hands out an opaque cursor that resumes right after the last item returned.
 */
export async function queryPage<T>(
  doc: DynamoDBDocumentClient,
  input: Omit<QueryCommandInput, 'Limit' | 'ExclusiveStartKey'>,
  options: {
    limit: number;
    cursor: string | undefined;
    keyAttributes: readonly string[];
    map: (item: Record<string, unknown>) => T;
  },
): Promise<Page<T>> {
  const items: T[] = [];
  let startKey = options.cursor ? decodeCursor(options.cursor, options.keyAttributes) : undefined;
  for (;;) {
    const output = await doc.send(
      new QueryCommand({
        ...input,
        Limit: options.limit,
        ...(startKey ? { ExclusiveStartKey: startKey } : {}),
      }),
    );
    for (const item of output.Items ?? []) {
      items.push(options.map(item));
      if (items.length === options.limit) {
        const last = Object.fromEntries(options.keyAttributes.map((name) => [name, item[name]]));
        // Only hand out a cursor when something may follow.
        const more = item !== output.Items?.at(-1) || output.LastEvaluatedKey !== undefined;
        return { items, nextCursor: more ? encodeCursor(last) : null };
      }
    }
    if (!output.LastEvaluatedKey) return { items, nextCursor: null };
    startKey = output.LastEvaluatedKey;
  }
}
