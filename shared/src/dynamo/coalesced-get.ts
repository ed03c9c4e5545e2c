import { type DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { batchGet } from './batch-get.ts';

/** One item's primary key on the single table, e.g. `{ pk: 'CLINIC#c1', sk: 'PAYMENT#test#pi_1' }`. */
export type ItemKey = Readonly<Record<string, string>>;

/** Reads one item by key; undefined when none is stored. */
export type ItemReader = (key: ItemKey) => Promise<Record<string, unknown> | undefined>;

/** A key as a string, the same for the key asked and for the item answered (attribute names in sorted order). */
function idOf(names: readonly string[], item: Readonly<Record<string, unknown>>): string {
  return names.map((name) => `${name}=${String(item[name])}`).join('\u0000');
}

/**
 * Single-item reads of one table that are asked in the same turn of the event loop, sent together: one key alone is
 * a `GetItem` as before; several (the first reads of a batch's groups, which the worker kit starts together) are one
 * `BatchGetItem` of up to 100 keys instead of one request each. The items, the consistency (`consistent`: strongly
 * consistent, as a conditional write's read must be) and the read units are those of the single reads; only the
 * number of requests (and of round trips) drops. A request that fails fails every read it carried, as each `GetItem`
 * would have.
 */
export function coalescedGet(
  doc: DynamoDBDocumentClient,
  tableName: string,
  options: { consistent: boolean },
): ItemReader {
  type Waiter = {
    resolve: (item: Record<string, unknown> | undefined) => void;
    reject: (error: unknown) => void;
  };
  /** Reads asked since the last send, by key id; each key once, however many ask for it. */
  let pending: Map<string, { key: ItemKey; waiters: Waiter[] }> | undefined;

  const send = async (reads: Map<string, { key: ItemKey; waiters: Waiter[] }>) => {
    const entries = [...reads.values()];
    const settle = (found: (entry: (typeof entries)[number]) => Record<string, unknown> | undefined) => {
      for (const entry of entries) for (const waiter of entry.waiters) waiter.resolve(found(entry));
    };
    try {
      const [only] = entries;
      if (entries.length === 1 && only) {
        const output = await doc.send(
          new GetCommand({ TableName: tableName, Key: only.key, ConsistentRead: options.consistent }),
        );
        settle(() => output.Item);
        return;
      }
      const names = Object.keys(entries[0]?.key ?? {}).sort();
      const items = await batchGet(
        doc,
        tableName,
        entries.map((entry) => entry.key),
        options.consistent,
      );
      const byId = new Map(items.map((item) => [idOf(names, item), item]));
      settle((entry) => byId.get(idOf(names, entry.key)));
    } catch (error) {
      for (const entry of entries) for (const waiter of entry.waiters) waiter.reject(error);
    }
  };

  return (key) =>
    new Promise((resolve, reject) => {
      if (!pending) {
        const reads = new Map<string, { key: ItemKey; waiters: Waiter[] }>();
        pending = reads;
        // After the microtasks of this turn: the groups of one batch reach their first read in the same turn.
        setImmediate(() => {
          if (pending === reads) pending = undefined;
          void send(reads);
        });
      }
      const id = idOf(Object.keys(key).sort(), key);
      const entry = pending.get(id) ?? { key, waiters: [] };
      entry.waiters.push({ resolve, reject });
      pending.set(id, entry);
    });
}
