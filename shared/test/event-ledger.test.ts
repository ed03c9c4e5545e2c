import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { localAwsConfig } from '../../local/src/local-aws.ts';
import { createTable } from '../../local/src/provision.ts';
import { countDynamoRequests } from '../../local/src/request-counter.ts';
import { createDocumentClient } from '../src/dynamo/document-client.ts';
import { dynamoEventLedger } from '../src/ledger/dynamo-event-ledger.ts';
import type { LedgerEntry } from '../src/ledger/event-ledger.ts';

const dynamo = new DynamoDBClient(localAwsConfig(inject('dynamoEndpoint')));
const tableName = `ledger-${Math.random().toString(36).slice(2)}`;
const ledger = dynamoEventLedger(createDocumentClient(dynamo), tableName);
const writes = countDynamoRequests(dynamo);

beforeAll(() => createTable(dynamo, tableName));
afterAll(() => dynamo.destroy());

const entry = (eventId: string, created: number, overrides: Partial<LedgerEntry> = {}): LedgerEntry => ({
  clinicId: 'clinic_l',
  mode: 'test',
  eventId,
  type: 'payment_intent.succeeded',
  created,
  receivedAt: new Date(created * 1000).toISOString(),
  outcome: 'applied',
  reason: null,
  objectId: 'pi_1',
  paymentId: 'pi_1',
  ...overrides,
});

describe('the event ledger on DynamoDB', () => {
  it('shows a failure until a retry settles it, keeps the first decisive outcome, and counts deliveries in one write each', async () => {
    writes.reset();
    await ledger.record(entry('evt_a', 1000, { outcome: 'failed', reason: 'Error: DynamoDB throttled' }));
    let listed = await ledger.list('clinic_l', 'test', { limit: 10 });
    expect(listed.data[0]).toMatchObject({
      eventId: 'evt_a',
      outcome: 'failed',
      reason: 'Error: DynamoDB throttled',
      deliveries: 1,
    });
    await ledger.record(entry('evt_a', 1000, { outcome: 'applied' }));
    await ledger.record(entry('evt_a', 1000, { outcome: 'duplicate' }));
    listed = await ledger.list('clinic_l', 'test', { limit: 10 });
    expect(listed.data[0]).toMatchObject({
      eventId: 'evt_a',
      outcome: 'applied',
      reason: null,
      deliveries: 3,
    });
    expect(writes.writes()).toBe(3);
  });

  it('tells the sweep an event is seen only once a worker settled it: one still failed is delivered again', async () => {
    // A delivery that failed, then a retry whose ledger write was lost (or a message parked in a DLQ): the entry
    // stays `failed`, and only the sweep can bring the event round again.
    await ledger.record(entry('evt_f', 2000, { outcome: 'failed', reason: 'Error: DynamoDB throttled' }));
    expect(await ledger.has('clinic_l', 'test', 2000, 'evt_f')).toBe(false);
    await ledger.record(entry('evt_f', 2000, { outcome: 'stale' }));
    expect(await ledger.has('clinic_l', 'test', 2000, 'evt_f')).toBe(true);
    expect(await ledger.has('clinic_l', 'test', 2000, 'evt_never')).toBe(false);
  });

  it('lists newest first, filters by type and payment, and pages with an opaque cursor', async () => {
    for (let i = 0; i < 7; i++) {
      await ledger.record(
        entry(`evt_p${i}`, 2000 + i, {
          type: i % 2 ? 'charge.succeeded' : 'payment_intent.succeeded',
          paymentId: i < 5 ? 'pi_2' : 'pi_3',
        }),
      );
    }
    const all = await ledger.list('clinic_l', 'test', { limit: 100, paymentId: 'pi_2' });
    expect(all.data.map((e) => e.eventId)).toEqual(['evt_p4', 'evt_p3', 'evt_p2', 'evt_p1', 'evt_p0']);
    const charges = await ledger.list('clinic_l', 'test', { limit: 100, type: 'charge.succeeded' });
    expect(charges.data.map((e) => e.eventId)).toEqual(['evt_p5', 'evt_p3', 'evt_p1']);
    const first = await ledger.list('clinic_l', 'test', { limit: 2, paymentId: 'pi_2' });
    const second = await ledger.list('clinic_l', 'test', {
      limit: 2,
      paymentId: 'pi_2',
      cursor: first.nextCursor ?? '',
    });
    const third = await ledger.list('clinic_l', 'test', {
      limit: 2,
      paymentId: 'pi_2',
      cursor: second.nextCursor ?? '',
    });
    expect([...first.data, ...second.data, ...third.data].map((e) => e.eventId)).toEqual(
      all.data.map((e) => e.eventId),
    );
    expect(third.nextCursor).toBeNull();
  });
});
