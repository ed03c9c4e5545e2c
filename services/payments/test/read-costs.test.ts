import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { type Caller, createDocumentClient } from '@basis/shared';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { meterConsumedCapacity } from '../../../bench/support/consumed-capacity.ts';
import { localAwsConfig } from '../../../local/src/local-aws.ts';
import { createTable } from '../../../local/src/provision.ts';
import { succeededPayment } from '../../../test/support/payment-record.ts';
import { dynamoBookingPaymentStore } from '../src/adapters/dynamo-booking-payment-store.ts';
import { dynamoPaymentStore } from '../src/adapters/dynamo-payment-store.ts';
import type { PaymentRecord } from '../src/domain/payment.ts';
import type { PaymentsApiDeps } from '../src/ports.ts';
import { bookingPayment, listPayments, paymentsReport } from '../src/use-cases/payment-queries.ts';
import { paymentRecords } from '../src/use-cases/payment-records.ts';
import { changePayment } from '../src/use-cases/update-payment.ts';

/**
 * Reads that cost what they return: a client's list, one payment with its refunds, a booking's payment and the
 * report of a window cost the same read units and requests with 150 and with 1,500 payments of other history
 * (other clients, other months). Measured with DynamoDB's ConsumedCapacity through an SDK middleware.
 */
const dynamo = new DynamoDBClient(localAwsConfig(inject('dynamoEndpoint')));
const meter = meterConsumedCapacity(dynamo);
const tableName = `read-costs-${Math.random().toString(36).slice(2)}`;
const doc = createDocumentClient(dynamo);
const payments = dynamoPaymentStore(doc, tableName);
const bookings = dynamoBookingPaymentStore(doc, tableName);
const clinicId = 'clinic_reads';
const now = new Date('2026-11-15T12:00:00Z');
const deps = { payments, bookings, now: () => now } as unknown as PaymentsApiDeps;
const client: Caller = { userId: 'u_client', clinicId, role: 'client', clientId: 'cl_target' };
/** Payments that succeeded in the report's window (November 2026). */
const inWindow = 40;

beforeAll(() => createTable(dynamo, tableName));
afterAll(() => dynamo.destroy());

const seconds = (iso: string) => Math.floor(Date.parse(iso) / 1000);

function payment(paymentId: string, at: string, overrides: Partial<PaymentRecord> = {}): PaymentRecord {
  return succeededPayment({
    clinicId,
    paymentId,
    bookingId: `bk_${paymentId}`,
    clientId: `cl_${paymentId}`,
    createdAt: at,
    updatedAt: at,
    statusSource: { eventId: `evt_${paymentId}`, created: seconds(at), rank: 104 },
    ...overrides,
  });
}

async function saveAll(records: PaymentRecord[]) {
  for (let start = 0; start < records.length; start += 50) {
    await Promise.all(records.slice(start, start + 50).map((record) => payments.save(record, undefined)));
  }
}

/** Other history: payments of other clients, in the months before the window. */
async function addHistory(from: number, to: number) {
  const records = Array.from({ length: to - from }, (_, index) => {
    const n = from + index;
    const at = new Date(Date.parse('2026-10-30T00:00:00Z') - n * 3_600_000).toISOString();
    return payment(`pi_hist_${n}`, at);
  });
  await saveAll(records);
}

/** The read units and requests of one read. */
async function costOf(read: () => Promise<unknown>) {
  meter.reset();
  await read();
  const { rru, requests } = meter.totals();
  return { rru, requests };
}

async function measure() {
  return {
    clientList: await costOf(() => listPayments(deps, client, clinicId, { mode: 'test' })),
    onePayment: await costOf(() =>
      Promise.all([
        payments.slice(clinicId, 'live', 'pi_target'),
        payments.slice(clinicId, 'test', 'pi_target'),
      ]),
    ),
    booking: await costOf(() =>
      bookingPayment(deps, client, { clinicId, mode: 'test', bookingId: 'bk_target' }),
    ),
    report: await costOf(() => paymentsReport(deps, clinicId, { mode: 'test' })),
  };
}

describe('reads flat in the clinic’s history', () => {
  it('cost the same with 150 and with 1,500 payments of other history; the report ≤ 0.05 RRU per payment in it', async () => {
    // The client's payment (with two refunds) and a booking pointing to it, and payments in the window.
    const target = payment('pi_target', '2026-11-02T10:00:00.000Z', {
      clientId: 'cl_target',
      bookingId: 'bk_target',
    });
    await payments.save(target, undefined);
    for (const key of ['rf_1', 'rf_2']) {
      await changePayment(payments, clinicId, 'test', 'pi_target', async (current) => ({
        outcome: 'applied',
        ...(current
          ? {
              payment: {
                ...current,
                amountRefunded: current.amountRefunded + 1000,
                version: current.version + 1,
              },
            }
          : {}),
        refunds: [
          {
            refundKey: key,
            refundId: `re_${key}`,
            amount: 1000,
            status: 'succeeded',
            reason: null,
            failureReason: null,
            idempotencyKey: null,
            requestedBy: 'staff_1',
            createdAt: '2026-11-03T10:00:00.000Z',
            statusRank: 1,
            statusCreated: seconds('2026-11-03T10:00:00.000Z'),
            version: 1,
          },
        ],
      }));
    }
    await bookings.claim({
      clinicId,
      mode: 'test',
      bookingId: 'bk_target',
      paymentId: 'pi_target',
      idempotencyKey: 'idem_bk_target',
      createdAt: target.createdAt,
    });
    await saveAll(
      Array.from({ length: inWindow - 1 }, (_, index) =>
        payment(
          `pi_month_${index}`,
          new Date(Date.parse('2026-11-05T00:00:00Z') + index * 3_600_000).toISOString(),
        ),
      ),
    );

    await addHistory(0, 150);
    const small = await measure();
    await addHistory(150, 1_500);
    const large = await measure();

    expect(large).toEqual(small);
    expect(small.clientList.requests).toEqual({ QueryCommand: 1, BatchGetItemCommand: 1 });
    expect(small.booking.requests).toEqual({ GetItemCommand: 1, QueryCommand: 1 });
    expect(small.onePayment.requests).toEqual({ QueryCommand: 2 });
    expect(small.report.requests).toEqual({ QueryCommand: 1 });
    expect(small.report.rru).toBeLessThanOrEqual(0.05 * inWindow);

    const report = await paymentsReport(deps, clinicId, { mode: 'test' });
    expect(report.currencies).toEqual([
      expect.objectContaining({
        currency: 'usd',
        succeededCount: inWindow,
        refunded: 2000,
        partiallyRefundedCount: 1,
      }),
    ]);
  }, 120_000);
});

describe('the index entries of a payment', () => {
  const windowOf = (month: string) => ({
    mode: 'test',
    from: `${month}-01T00:00:00.000Z`,
    to: new Date(Date.UTC(Number(month.slice(0, 4)), Number(month.slice(5, 7)), 1)).toISOString(),
  });

  it('moves a failed payment that later succeeds to the window it succeeded in', async () => {
    const failed = payment('pi_moves', '2026-06-30T23:00:00.000Z', {
      clientId: null,
      status: 'failed',
      statusSource: { eventId: 'evt_f', created: seconds('2026-06-30T23:30:00.000Z'), rank: 3 },
    });
    const movesClinic = { ...failed, clinicId: 'clinic_moves' };
    await payments.save(movesClinic, undefined);
    const june = await paymentsReport(deps, 'clinic_moves', windowOf('2026-06'));
    expect(june.currencies).toEqual([expect.objectContaining({ failedCount: 1, succeededCount: 0 })]);
    await payments.save(
      {
        ...movesClinic,
        status: 'succeeded',
        statusSource: { eventId: 'evt_s', created: seconds('2026-07-01T00:10:00.000Z'), rank: 104 },
        version: 2,
      },
      1,
    );
    expect((await paymentsReport(deps, 'clinic_moves', windowOf('2026-06'))).currencies).toEqual([]);
    expect((await paymentsReport(deps, 'clinic_moves', windowOf('2026-07'))).currencies).toEqual([
      expect.objectContaining({ failedCount: 0, succeededCount: 1, gross: movesClinic.amount }),
    ]);
  });

  it('lists a payment under its client once a client is linked later (a membership invoice)', async () => {
    const unlinked = {
      ...payment('pi_invoice', '2026-11-10T10:00:00.000Z', { clientId: null, bookingId: null }),
    };
    await payments.save(unlinked, undefined);
    const member: Caller = { userId: 'u_member', clinicId, role: 'client', clientId: 'cl_member' };
    expect((await listPayments(deps, member, clinicId, { mode: 'test' })).data).toEqual([]);
    const unreachable = () => Promise.reject(new Error('the payment is stored'));
    const records = paymentRecords({ payments, stripe: { paymentIntent: unreachable }, now: () => now });
    await records.linkInvoice(clinicId, 'test', 'pi_invoice', {
      membershipId: 'sub_1',
      invoiceId: 'in_1',
      clientId: 'cl_member',
    });
    const listed = await listPayments(deps, member, clinicId, { mode: 'test' });
    expect(listed.data.map((item) => item.paymentId)).toEqual(['pi_invoice']);
    // Lists carry no refunds or disputes: those are on the payment's own GET.
    expect(listed.data[0]).not.toHaveProperty('refunds');
  });

  it('finds nothing of one mode through the other', async () => {
    const live = { ...payment('pi_live_only', '2026-11-11T10:00:00.000Z'), mode: 'live' as const };
    await payments.save(live, undefined);
    expect(await payments.get(clinicId, 'test', 'pi_live_only')).toBeUndefined();
    expect(await payments.slice(clinicId, 'test', 'pi_live_only')).toBeUndefined();
    // A test-mode write naming the live payment's id creates a test record and leaves the live one as it was.
    await payments.save({ ...live, mode: 'test', status: 'failed' }, undefined);
    expect((await payments.get(clinicId, 'live', 'pi_live_only'))?.status).toBe('succeeded');
    expect((await payments.find(clinicId, 'pi_live_only'))?.mode).toBe('live');
  });
});
