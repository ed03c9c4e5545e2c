import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient } from '@basis/shared';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { localAwsConfig } from '../../../local/src/local-aws.ts';
import { createTable } from '../../../local/src/provision.ts';
import { dynamoClinicLock } from '../src/adapters/dynamo-clinic-lock.ts';

const dynamo = new DynamoDBClient(localAwsConfig(inject('dynamoEndpoint')));
const doc = createDocumentClient(dynamo);
const tableName = `lock-${Math.random().toString(36).slice(2)}`;
const lock = dynamoClinicLock(doc, tableName);

beforeAll(() => createTable(dynamo, tableName));
afterAll(() => dynamo.destroy());

describe('the per-clinic lock', () => {
  it('runs one piece of work per clinic at a time, and frees the clinic after', async () => {
    let release: () => void = () => {};
    const held = lock('clinic_a', () => new Promise<string>((resolve) => (release = () => resolve('first'))));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await lock('clinic_a', async () => 'second')).toBeUndefined();
    expect(await lock('clinic_b', async () => 'other clinic')).toBe('other clinic');
    release();
    expect(await held).toBe('first');
    expect(await lock('clinic_a', async () => 'third')).toBe('third');
  });

  it('frees the clinic when the work throws, and takes over a lease a crashed process left behind', async () => {
    await expect(lock('clinic_c', async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await lock('clinic_c', async () => 'after a failure')).toBe('after a failure');
    await doc.send(
      new PutCommand({
        TableName: tableName,
        Item: {
          pk: 'LOCK#CONNECT',
          sk: 'clinic_d',
          owner: 'crashed',
          expiresAt: Math.floor(Date.now() / 1000) - 1,
        },
      }),
    );
    expect(await lock('clinic_d', async () => 'taken over')).toBe('taken over');
  });
});
