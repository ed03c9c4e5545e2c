import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient } from '@basis/shared';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { localAwsConfig } from '../../../local/src/local-aws.ts';
import { createTable } from '../../../local/src/provision.ts';
import { dynamoMembershipStore } from '../src/adapters/dynamo-membership-store.ts';
import { ConcurrentMembershipUpdateError, type MembershipRecord } from '../src/domain/membership.ts';

const dynamo = new DynamoDBClient(localAwsConfig(inject('dynamoEndpoint')));
const doc = createDocumentClient(dynamo);
const tableName = `memberships-${Math.random().toString(36).slice(2)}`;
const store = dynamoMembershipStore(doc, tableName);

beforeAll(() => createTable(dynamo, tableName));
afterAll(() => dynamo.destroy());

function record(overrides: Partial<MembershipRecord> = {}): MembershipRecord {
  return {
    clinicId: 'clinic_1',
    mode: 'test',
    membershipId: 'sub_1',
    clientId: 'cl_1',
    planId: 'pl_1',
    customerId: 'cus_1',
    priceId: 'price_1',
    amount: 4500,
    currency: 'usd',
    interval: 'month',
    intervalCount: 1,
    status: 'active',
    cancelAtPeriodEnd: false,
    currentPeriodStart: '2027-01-01T00:00:00.000Z',
    currentPeriodEnd: '2027-02-01T00:00:00.000Z',
    canceledAt: null,
    latestInvoice: null,
    createdAt: '2027-01-01T00:00:00.000Z',
    updatedAt: '2027-01-01T00:00:00.000Z',
    subscriptionSource: { eventId: 'evt_1', created: 1, rank: 0 },
    invoiceSource: null,
    appliedEventIds: ['evt_1'],
    version: 1,
    ...overrides,
  };
}

describe('the membership store on DynamoDB', () => {
  it('keeps the modes apart: the same Subscription id in live mode is another item, and never overwrites test', async () => {
    const test = record();
    await store.save(test, undefined);
    const live = record({ mode: 'live', status: 'past_due' });
    await store.save(live, undefined);
    expect((await store.get('clinic_1', 'test', 'sub_1'))?.status).toBe('active');
    expect((await store.get('clinic_1', 'live', 'sub_1'))?.status).toBe('past_due');
    expect(await store.get('clinic_1', 'live', 'sub_other')).toBeUndefined();
  });

  it('writes conditionally on the version read: a lost race throws ConcurrentMembershipUpdateError', async () => {
    const first = record({ membershipId: 'sub_race' });
    await store.save(first, undefined);
    await store.save({ ...first, status: 'past_due', version: 2 }, first);
    await expect(store.save({ ...first, status: 'canceled', version: 2 }, first)).rejects.toBeInstanceOf(
      ConcurrentMembershipUpdateError,
    );
    expect((await store.get('clinic_1', 'test', 'sub_race'))?.status).toBe('past_due');
  });

  it("lists a client's memberships through pointers written once, and the clinic's newest first", async () => {
    await store.save(
      record({ membershipId: 'sub_a', clientId: 'cl_9', createdAt: '2027-03-01T00:00:00.000Z' }),
      undefined,
    );
    const unnamed = record({ membershipId: 'sub_b', clientId: null, createdAt: '2027-04-01T00:00:00.000Z' });
    await store.save(unnamed, undefined);
    expect((await store.ofClient('clinic_1', 'test', 'cl_9')).map((m) => m.membershipId)).toEqual(['sub_a']);
    // The write that first names the client adds its pointer; later writes add nothing.
    const named = { ...unnamed, clientId: 'cl_9', version: 2 };
    await store.save(named, unnamed);
    await store.save({ ...named, status: 'past_due', version: 3 }, named);
    expect((await store.ofClient('clinic_1', 'test', 'cl_9')).map((m) => m.membershipId)).toEqual([
      'sub_b',
      'sub_a',
    ]);
    const pointers = await doc.send(
      new QueryCommand({
        TableName: tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': 'CLINIC#clinic_1', ':prefix': 'CLIENT_MEMBERSHIP#test#cl_9#' },
      }),
    );
    expect(pointers.Items).toHaveLength(2);
    const page = await store.list('clinic_1', 'test', { limit: 2 });
    expect(page.items.map((m) => m.membershipId)).toEqual(['sub_b', 'sub_a']);
    expect(page.nextCursor).not.toBeNull();
  });
});
