import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { meterConsumedCapacity } from '../../bench/support/consumed-capacity.ts';
import { localAwsConfig } from '../../local/src/local-aws.ts';
import { createTable } from '../../local/src/provision.ts';
import { countDynamoRequests } from '../../local/src/request-counter.ts';
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
