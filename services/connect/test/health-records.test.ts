import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  createDocumentClient,
  dynamoEventLedger,
  dynamoLedgerHealthReader,
  type LedgerEntry,
  tableSourceOf,
} from '@basis/shared';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { localAwsConfig } from '../../../local/src/local-aws.ts';
import { createTable } from '../../../local/src/provision.ts';
import { deferredHealthCounterAdder } from '../src/adapters/deferred-health-counters.ts';
import { dynamoConnectionRegistry } from '../src/adapters/dynamo-connection-registry.ts';
import { dynamoHealthCounters } from '../src/adapters/dynamo-health-counters.ts';

const dynamo = new DynamoDBClient(localAwsConfig(inject('dynamoEndpoint')));
const doc = createDocumentClient(dynamo);
const tableName = `health-${Math.random().toString(36).slice(2)}`;
const counters = dynamoHealthCounters(doc, tableName);

beforeAll(() => createTable(dynamo, tableName));
afterAll(() => dynamo.destroy());

const at = (iso: string) => new Date(iso);

describe('the health counters', () => {
  it('adds per clinic, mode, kind and hour, and counts only hours with additions inside the window', async () => {
    await counters.add('clinic_a', 'test', 'signature_failures', 1, at('2026-11-25T09:10:00Z'));
    await counters.add('clinic_a', 'test', 'signature_failures', 3, at('2026-11-26T10:05:00Z'));
    await counters.add('clinic_a', 'test', 'signature_failures', 2, at('2026-11-26T11:30:00Z'));
    await counters.add('clinic_a', 'test', 'missed_events', 7, at('2026-11-26T11:31:00Z'));
    await counters.add('clinic_a', 'live', 'signature_failures', 5, at('2026-11-26T11:32:00Z'));
    await counters.add('clinic_b', 'test', 'signature_failures', 9, at('2026-11-26T11:33:00Z'));
    const now = at('2026-11-26T12:00:00Z');

    expect(
      await counters.since('clinic_a', 'test', 'signature_failures', at('2026-11-25T12:00:00Z'), now),
    ).toEqual({
      count: 5,
      lastAt: '2026-11-26T11:30:00.000Z',
    });
    // A window starting inside the 10:00 hour after its last addition leaves that hour out.
    expect(
      await counters.since('clinic_a', 'test', 'signature_failures', at('2026-11-26T10:06:00Z'), now),
    ).toEqual({
      count: 2,
      lastAt: '2026-11-26T11:30:00.000Z',
    });
    expect(
      await counters.since('clinic_a', 'test', 'signature_failures', at('2026-11-26T11:31:00Z'), now),
    ).toEqual({
      count: 0,
      lastAt: null,
    });
    expect(
      (await counters.since('clinic_a', 'test', 'missed_events', at('2026-11-25T12:00:00Z'), now)).count,
    ).toBe(7);
  });
});

describe('the health counters written by a function that loads the SDK on its first write (webhook ingest)', () => {
  it('writes the same item as the counters, asks for the client once, and asks again after a failed load', async () => {
    const source = tableSourceOf({ doc, tableName });
    let loads = 0;
    let failNext = true;
    const adder = deferredHealthCounterAdder({
      tableName,
      documentSdk: () => {
        loads++;
        if (failNext) {
          failNext = false;
          return Promise.reject(new Error('cannot load the SDK'));
        }
        return source.documentSdk();
      },
    });
    expect(loads).toBe(0);
    await expect(
      adder.add('clinic_d', 'test', 'signature_failures', 1, at('2026-11-26T11:00:00Z')),
    ).rejects.toThrow('cannot load the SDK');
    await adder.add('clinic_d', 'test', 'signature_failures', 2, at('2026-11-26T11:10:00Z'));
    await adder.add('clinic_d', 'test', 'signature_failures', 3, at('2026-11-26T11:20:00Z'));
    expect(loads).toBe(2);
    // Read back with the counters health uses: the deferred writes are the items it counts.
    await counters.add('clinic_d', 'test', 'signature_failures', 4, at('2026-11-26T11:30:00Z'));
    expect(
      await counters.since(
        'clinic_d',
        'test',
        'signature_failures',
        at('2026-11-26T10:00:00Z'),
        at('2026-11-26T12:00:00Z'),
      ),
    ).toEqual({ count: 9, lastAt: '2026-11-26T11:30:00.000Z' });
  });
});

describe('the ledger as connection health reads it', () => {
  const ledger = dynamoEventLedger(doc, tableName);
  const reader = dynamoLedgerHealthReader(doc, tableName);
  const entry = (eventId: string, created: number, outcome: LedgerEntry['outcome']): LedgerEntry => ({
    clinicId: 'clinic_l',
    mode: 'test',
    eventId,
    type: 'payment_intent.succeeded',
    created,
    receivedAt: new Date(created * 1000).toISOString(),
    outcome,
    reason: outcome === 'failed' ? 'Error: boom' : null,
    objectId: 'pi_1',
    paymentId: 'pi_1',
  });

  it('finds failed events in the window from the failed-events index, not those a retry settled', async () => {
    await ledger.record(entry('evt_old_failed', 1_000, 'failed'));
    await ledger.record(entry('evt_failed', 2_000, 'failed'));
    await ledger.record(entry('evt_retried', 2_100, 'failed'));
    await ledger.record(entry('evt_retried', 2_100, 'applied'));
    await ledger.record(entry('evt_applied', 2_200, 'applied'));

    const failed = await reader.failedEventsSince('clinic_l', 'test', 1_500, 100);
    expect(failed).toEqual({
      count: 1,
      examples: [{ eventId: 'evt_failed', type: 'payment_intent.succeeded', reason: 'Error: boom' }],
      truncated: false,
      // Only entries that failed at least once are read: the one applied at once is not in the index.
      entriesRead: 2,
    });
    expect(await reader.failedEventsSince('clinic_l', 'test', 0, 2)).toMatchObject({
      truncated: true,
      entriesRead: 2,
      count: 1,
    });
    expect((await reader.failedEventsSince('clinic_l', 'live', 0, 100)).count).toBe(0);
  });

  it('reads the last event received where the sweep keeps it, on the connection', async () => {
    const registry = dynamoConnectionRegistry(doc, tableName);
    await registry.add('clinic_r', 'test');
    expect(await reader.lastEventReceivedAt('clinic_r', 'test')).toBeNull();
    await registry.markSwept('clinic_r', 'test', 1_000, '2026-11-26T10:00:00.000Z');
    // A sweep that met no event keeps what the last one found.
    await registry.markSwept('clinic_r', 'test', 2_000, null);
    expect(await reader.lastEventReceivedAt('clinic_r', 'test')).toBe('2026-11-26T10:00:00.000Z');
    expect(await reader.lastEventReceivedAt('clinic_r', 'live')).toBeNull();
  });
});
