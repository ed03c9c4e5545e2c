import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { meterConsumedCapacity } from '../../bench/support/consumed-capacity.ts';
import { localAwsConfig } from '../../local/src/local-aws.ts';
import { createTable } from '../../local/src/provision.ts';
import { countDynamoRequests } from '../../local/src/request-counter.ts';
import { batchGet } from '../src/dynamo/batch-get.ts';
import { coalescedGet } from '../src/dynamo/coalesced-get.ts';
import { createDocumentClient } from '../src/dynamo/document-client.ts';

const dynamo = new DynamoDBClient(localAwsConfig(inject('dynamoEndpoint')));
const doc = createDocumentClient(dynamo);
const tableName = `coalesced-${Math.random().toString(36).slice(2)}`;
const requests = countDynamoRequests(dynamo);
const capacity = meterConsumedCapacity(dynamo);
const read = coalescedGet(doc, tableName, { consistent: true });
const key = (n: number) => ({ pk: 'CLINIC#c1', sk: `PAYMENT#test#pi_${n}` });

beforeAll(async () => {
  await createTable(dynamo, tableName);
  for (const n of [1, 2, 3]) {
    await doc.send(new PutCommand({ TableName: tableName, Item: { ...key(n), amount: n * 100 } }));
  }
});
afterAll(() => dynamo.destroy());

describe('coalesced single-item reads', () => {
  it('sends the reads of one turn as one BatchGetItem and answers each its own item, or none', async () => {
    requests.reset();
    capacity.reset();
    const [one, two, missing, twoAgain] = await Promise.all([
      read(key(1)),
      read(key(2)),
      read(key(9)),
      read(key(2)),
    ]);
    expect(one).toMatchObject({ amount: 100 });
    expect(two).toMatchObject({ amount: 200 });
    expect(twoAgain).toMatchObject({ amount: 200 });
    expect(missing).toBeUndefined();
    expect(requests.counts()).toEqual({ BatchGetItemCommand: 1 });
    // The read units of three strongly consistent GetItems (an absent item is charged as one that is there).
    expect(capacity.totals().rru).toBe(3);
  });

  it('reads a key asked alone with GetItem, and a later turn with a request of its own', async () => {
    requests.reset();
    capacity.reset();
    expect(await read(key(3))).toMatchObject({ amount: 300 });
    expect(await read(key(9))).toBeUndefined();
    expect(requests.counts()).toEqual({ GetItemCommand: 2 });
    expect(capacity.totals().rru).toBe(2);
  });

  it('fails every read a failed request carried', async () => {
    const broken = coalescedGet(doc, `${tableName}-absent`, { consistent: true });
    const results = await Promise.allSettled([broken(key(1)), broken(key(2))]);
    expect(results.map((result) => result.status)).toEqual(['rejected', 'rejected']);
  });
});

/** A document client that answers every key unprocessed for its first `throttledRounds` requests. */
function throttledDoc(throttledRounds: number) {
  let requests = 0;
  const doc = {
    send: async (command: {
      input: { RequestItems: Record<string, { Keys: Record<string, unknown>[] }> };
    }) => {
      requests++;
      const [table, request] = Object.entries(command.input.RequestItems)[0] ?? [];
      if (!table || !request) throw new Error('no request');
      return requests <= throttledRounds
        ? { Responses: { [table]: [] }, UnprocessedKeys: { [table]: { Keys: request.Keys } } }
        : { Responses: { [table]: request.Keys.map((k) => ({ ...k, found: true })) } };
    },
  };
  return { doc: doc as unknown as DynamoDBDocumentClient, requests: () => requests };
}

describe('batch reads under throttling', () => {
  it('asks again for the keys DynamoDB left unprocessed until each is read', async () => {
    const { doc: throttled, requests: sent } = throttledDoc(2);
    const items = await batchGet(throttled, 't', [key(1), key(2)], true);
    expect(items).toEqual([
      { ...key(1), found: true },
      { ...key(2), found: true },
    ]);
    expect(sent()).toBe(3);
  });

  it('gives up after eight rounds that leave keys unprocessed, so the caller fails instead of spinning', async () => {
    const { doc: throttled, requests: sent } = throttledDoc(Number.POSITIVE_INFINITY);
    await expect(batchGet(throttled, 't', [key(1)], true)).rejects.toThrow(/unprocessed/);
    expect(sent()).toBe(8);
  });
});
