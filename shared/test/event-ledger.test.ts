import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { meterConsumedCapacity } from '../../bench/support/consumed-capacity.ts';
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
const capacity = meterConsumedCapacity(dynamo);

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
    let listed = await ledger.list('clinic_l', 'test', { limit: 10, paymentId: 'pi_1' });
    expect(listed.data[0]).toMatchObject({
      eventId: 'evt_a',
      outcome: 'failed',
      reason: 'Error: DynamoDB throttled',
      deliveries: 1,
    });
    await ledger.record(entry('evt_a', 1000, { outcome: 'applied' }));
    await ledger.record(entry('evt_a', 1000, { outcome: 'duplicate' }));
    listed = await ledger.list('clinic_l', 'test', { limit: 10, paymentId: 'pi_1' });
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
    const ref = { eventId: 'evt_f', created: 2000, objectId: 'pi_1', paymentId: 'pi_1' };
    expect(await ledger.has('clinic_l', 'test', ref)).toEqual({
      settled: false,
      receivedAt: new Date(2_000_000).toISOString(),
    });
    await ledger.record(entry('evt_f', 2000, { outcome: 'stale' }));
    expect((await ledger.has('clinic_l', 'test', ref)).settled).toBe(true);
    expect(await ledger.has('clinic_l', 'test', { ...ref, eventId: 'evt_never' })).toEqual({
      settled: false,
      receivedAt: null,
    });
    // The key is the event's, in its mode: the other mode has no such entry.
    expect((await ledger.has('clinic_l', 'live', ref)).settled).toBe(false);
  });

  it("files an event under its payment (a charge's, refund's or dispute's too), else under its own object", async () => {
    await ledger.record(
      entry('evt_k1', 3000, { type: 'charge.refunded', objectId: 'ch_k', paymentId: 'pi_k' }),
    );
    await ledger.record(entry('evt_k2', 3001, { type: 'payout.paid', objectId: 'po_k', paymentId: null }));
    const get = async (key: { pk: string; sk: string }) =>
      (await createDocumentClient(dynamo).send(new GetCommand({ TableName: tableName, Key: key }))).Item;
    expect(await get({ pk: 'CLINIC#clinic_l#test#EVENTS#pi_k', sk: '0000003000#evt_k1' })).toMatchObject({
      eventId: 'evt_k1',
      objectId: 'ch_k',
      outcome: 'applied',
    });
    const payout = await get({ pk: 'CLINIC#clinic_l#test#EVENTS#po_k', sk: '0000003001#evt_k2' });
    expect(payout).toMatchObject({ eventId: 'evt_k2' });
    // An entry that applied cleanly is not in the failed-events index.
    expect(payout?.gsi1pk).toBeUndefined();
    // The sweep finds both from what the event names.
    expect(
      (
        await ledger.has('clinic_l', 'test', {
          eventId: 'evt_k1',
          created: 3000,
          objectId: 'ch_k',
          paymentId: 'pi_k',
        })
      ).settled,
    ).toBe(true);
    expect(
      (
        await ledger.has('clinic_l', 'test', {
          eventId: 'evt_k2',
          created: 3001,
          objectId: 'po_k',
          paymentId: null,
        })
      ).settled,
    ).toBe(true);
    expect(
      (await ledger.list('clinic_l', 'test', { limit: 10, objectId: 'po_k' })).data.map((e) => e.eventId),
    ).toEqual(['evt_k2']);
    expect(
      (await ledger.list('clinic_l', 'test', { limit: 10, paymentId: 'pi_k', objectId: 'ch_k' })).data.map(
        (e) => e.eventId,
      ),
    ).toEqual(['evt_k1']);
  });

  it('lists clinic-wide only the events that failed at least once, with what a retry achieved since', async () => {
    const clinic = 'clinic_failed';
    await ledger.record(entry('evt_ok', 4000, { clinicId: clinic }));
    await ledger.record(
      entry('evt_bad', 4001, {
        clinicId: clinic,
        outcome: 'failed',
        reason: 'Error: Stripe down',
        paymentId: 'pi_b',
        objectId: 'pi_b',
      }),
    );
    await ledger.record(
      entry('evt_healed', 4002, {
        clinicId: clinic,
        outcome: 'failed',
        reason: 'Error: throttled',
        objectId: 'po_h',
        paymentId: null,
        type: 'payout.paid',
      }),
    );
    await ledger.record(
      entry('evt_healed', 4002, { clinicId: clinic, objectId: 'po_h', paymentId: null, type: 'payout.paid' }),
    );
    await ledger.record(
      entry('evt_other_mode', 4003, {
        clinicId: clinic,
        mode: 'live',
        outcome: 'failed',
        reason: 'Error: x',
      }),
    );
    const failed = await ledger.list(clinic, 'test', { limit: 10 });
    expect(failed.data.map((e) => [e.eventId, e.outcome, e.reason])).toEqual([
      ['evt_healed', 'applied', null],
      ['evt_bad', 'failed', 'Error: Stripe down'],
    ]);
    const payouts = await ledger.list(clinic, 'test', { limit: 10, type: 'payout.paid' });
    expect(payouts.data.map((e) => e.eventId)).toEqual(['evt_healed']);
    const firstPage = await ledger.list(clinic, 'test', { limit: 1 });
    const secondPage = await ledger.list(clinic, 'test', { limit: 1, cursor: firstPage.nextCursor ?? '' });
    expect([...firstPage.data, ...secondPage.data].map((e) => e.eventId)).toEqual(['evt_healed', 'evt_bad']);
    if (secondPage.nextCursor) {
      const thirdPage = await ledger.list(clinic, 'test', { limit: 1, cursor: secondPage.nextCursor });
      expect(thirdPage).toEqual({ data: [], nextCursor: null });
    }
    expect((await ledger.list(clinic, 'live', { limit: 10 })).data.map((e) => e.eventId)).toEqual([
      'evt_other_mode',
    ]);
  });

  it('costs 1 WRU per applied or duplicate delivery and 2 for a failed one (the entry and its index copy)', async () => {
    const clinic = 'clinic_wru';
    capacity.reset();
    await ledger.record(entry('evt_w1', 5000, { clinicId: clinic }));
    expect(capacity.totals().wru).toBe(1);
    capacity.reset();
    await ledger.record(entry('evt_w1', 5000, { clinicId: clinic, outcome: 'duplicate' }));
    expect(capacity.totals().wru).toBe(1);
    capacity.reset();
    await ledger.record(
      entry('evt_w2', 5001, { clinicId: clinic, outcome: 'failed', reason: 'Error: x'.repeat(40) }),
    );
    expect(capacity.totals().wru).toBe(2);
    // The longest clinic id and reason the system writes (64 and 300 characters), with ids as long as Stripe's,
    // still keep an entry (and its index copy) under 1 KB.
    capacity.reset();
    await ledger.record(
      entry('evt_1QxYz2AbCdEfGhIjKlMnOpQr', 5002, {
        clinicId: 'c'.repeat(64),
        type: 'customer.subscription.pending_update_expired',
        objectId: 'ch_3QxYz2AbCdEfGhIjKlMnOpQr',
        paymentId: 'pi_3QxYz2AbCdEfGhIjKlMnOpQr',
        outcome: 'failed',
        reason: 'r'.repeat(300),
      }),
    );
    expect(capacity.totals().wru).toBe(2);
  });

  it("reads a payment's events for the same units with 150 and with 1,500 other entries in the clinic", async () => {
    const clinic = 'clinic_flat';
    for (let i = 0; i < 4; i++) {
      await ledger.record(
        entry(`evt_mine_${i}`, 6000 + i, { clinicId: clinic, paymentId: 'pi_mine', objectId: 'pi_mine' }),
      );
    }
    const others = async (from: number, to: number) => {
      const ids = Array.from({ length: to - from }, (_, index) => from + index);
      for (let start = 0; start < ids.length; start += 25) {
        await Promise.all(
          ids.slice(start, start + 25).map((i) =>
            ledger.record(
              entry(`evt_other_${i}`, 5500 + (i % 1000), {
                clinicId: clinic,
                paymentId: `pi_o${i}`,
                objectId: `pi_o${i}`,
              }),
            ),
          ),
        );
      }
    };
    const cost = async () => {
      capacity.reset();
      const listed = await ledger.list(clinic, 'test', { limit: 50, paymentId: 'pi_mine' });
      expect(listed.data).toHaveLength(4);
      return capacity.totals();
    };
    await others(0, 150);
    const at150 = await cost();
    await others(150, 1500);
    const at1500 = await cost();
    expect(at1500).toEqual(at150);
    expect(at150.requests).toEqual({ QueryCommand: 1 });
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
    const charges = await ledger.list('clinic_l', 'test', {
      limit: 100,
      paymentId: 'pi_2',
      type: 'charge.succeeded',
    });
    expect(charges.data.map((e) => e.eventId)).toEqual(['evt_p3', 'evt_p1']);
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
