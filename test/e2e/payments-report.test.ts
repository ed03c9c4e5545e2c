import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signDevToken } from '../../local/src/dev-jwt.ts';
import type { LocalStack } from '../../local/src/local-stack.ts';
import { dynamoPaymentStore } from '../../services/payments/src/adapters/dynamo-payment-store.ts';
import type {
  DisputeEntry,
  PaymentRecord,
  PaymentStatus,
  RefundEntry,
} from '../../services/payments/src/domain/payment.ts';
import { changePayment } from '../../services/payments/src/use-cases/update-payment.ts';
import { apiClient, typedClient } from '../support/clinic-api.ts';
import { startTestStack } from '../support/test-stack.ts';

const clinicId = 'clinic_report';
let stack: LocalStack;
/** A generated payment with the refunds and disputes it is seeded with (items of their own in the table). */
type Seeded = PaymentRecord & { refunds: RefundEntry[]; disputes: DisputeEntry[] };
let payments: Seeded[];

const statuses: PaymentStatus[] = ['succeeded', 'succeeded', 'succeeded', 'failed', 'canceled', 'processing'];
const currencies = ['usd', 'eur', 'jpy'];
const start = Date.parse('2026-03-01T00:00:00Z');
const span = 40 * 86_400_000;

/** A few hundred payments with random dates, currencies, statuses, refunds and disputes, written as the workers would. */
function generate(count: number): Seeded[] {
  const rng = fc.sample(
    fc.record({
      offset: fc.integer({ min: 0, max: span }),
      status: fc.constantFrom(...statuses),
      currency: fc.constantFrom(...currencies),
      amount: fc.integer({ min: 100, max: 50_000 }),
      refundShare: fc.constantFrom(0, 0, 0.25, 1),
      // A payment may settle days after it was created, a refund weeks after that: across month boundaries.
      settleDelay: fc.integer({ min: 0, max: 3 * 86_400 }),
      refundDelay: fc.integer({ min: 0, max: 45 * 86_400 }),
      secondRefund: fc.boolean(),
      disputed: fc.integer({ min: 0, max: 7 }).map((n) => n === 0),
    }),
    { numRuns: count, seed: 20261126 },
  );
  return rng.map((spec, index) => {
    const createdAt = new Date(start + spec.offset).toISOString();
    const settled = Math.floor((start + spec.offset) / 1000) + spec.settleDelay;
    const refunded = spec.status === 'succeeded' ? Math.floor(spec.amount * spec.refundShare) : 0;
    const refundEntry = (suffix: string, amount: number, status: 'succeeded' | 'failed', at: number) => ({
      refundKey: `k${index}${suffix}`,
      refundId: `re_${index}${suffix}`,
      amount,
      status,
      reason: null,
      failureReason: null,
      idempotencyKey: null,
      requestedBy: null,
      createdAt: new Date(at * 1000).toISOString(),
      statusRank: 1,
      statusCreated: at,
    });
    // Refunded in two halves a while apart (the second may fall in a later month), plus a failed attempt.
    const half = Math.floor(refunded / 2);
    const refunds =
      refunded === 0
        ? []
        : spec.secondRefund && half > 0
          ? [
              refundEntry('a', half, 'succeeded', settled + spec.refundDelay),
              refundEntry('b', refunded - half, 'succeeded', settled + 2 * spec.refundDelay),
              refundEntry('c', refunded, 'failed', settled + spec.refundDelay + 60),
            ]
          : [refundEntry('a', refunded, 'succeeded', settled + spec.refundDelay)];
    return {
      clinicId,
      mode: 'test',
      paymentId: `pi_report_${index}`,
      bookingId: `bk_${index}`,
      serviceId: null,
      clientId: null,
      amount: spec.amount,
      currency: spec.currency,
      status: spec.status,
      chargeId: null,
      failure: null,
      amountRefunded: refunded,
      amountRefundPending: 0,
      recentRefundAsks: [],
      refunds,
      disputes:
        spec.disputed && spec.status === 'succeeded'
          ? [
              {
                disputeId: `dp_${index}`,
                amount: spec.amount,
                currency: spec.currency,
                status: 'needs_response',
                reason: 'fraudulent',
                evidenceDueBy: null,
                createdAt,
                statusRank: 2,
                statusCreated: 1,
              },
            ]
          : [],
      payoutId: null,
      membershipId: null,
      invoiceId: null,
      createdAt,
      updatedAt: createdAt,
      statusSource: { eventId: `evt_${index}`, created: settled, rank: 1 },
      appliedEventIds: [],
      version: 1,
    };
  });
}

const iso = (seconds: number) => new Date(seconds * 1000).toISOString();

/**
 * The same report, summed independently of the code under test: a payment counts in the window it succeeded (or
 * failed) in, a refund in the window it succeeded in, whichever month its payment was in.
 */
function expected(from: string, to: string) {
  const inWindow = (seconds: number) => iso(seconds) >= from && iso(seconds) < to;
  return currencies
    .map((currency) => {
      const mine = payments.filter((p) => p.currency === currency);
      const succeeded = mine.filter((p) => p.status === 'succeeded' && inWindow(p.statusSource.created));
      const refundsIn = (p: Seeded) =>
        p.refunds.filter((r) => r.status === 'succeeded' && inWindow(r.statusCreated));
      const refundedPayments = mine.filter((p) => p.status === 'succeeded' && refundsIn(p).length > 0);
      const refundedByEnd = (p: Seeded) =>
        p.refunds
          .filter((r) => r.status === 'succeeded' && iso(r.statusCreated) < to)
          .reduce((sum, r) => sum + r.amount, 0);
      const gross = succeeded.reduce((s, p) => s + p.amount, 0);
      const refunded = refundedPayments.reduce(
        (s, p) => s + refundsIn(p).reduce((t, r) => t + r.amount, 0),
        0,
      );
      const disputes = succeeded.flatMap((p) => p.disputes);
      const failed = mine.filter((p) => p.status === 'failed' && inWindow(p.statusSource.created));
      return {
        currency,
        gross,
        refunded,
        net: gross - refunded,
        succeededCount: succeeded.length,
        failedCount: failed.length,
        refundedCount: refundedPayments.filter((p) => refundedByEnd(p) >= p.amount).length,
        partiallyRefundedCount: refundedPayments.filter((p) => refundedByEnd(p) < p.amount).length,
        disputed: disputes.reduce((s, d) => s + d.amount, 0),
        disputedCount: disputes.length,
        present: succeeded.length + failed.length + refundedPayments.length > 0,
      };
    })
    .filter((row) => row.present)
    .map(({ present: _present, ...row }) => row)
    .sort((a, b) => a.currency.localeCompare(b.currency));
}

beforeAll(async () => {
  // "Now" is mid-March 2026, so the default window (the current calendar month, UTC) is March.
  stack = await startTestStack({ now: () => new Date('2026-03-15T12:00:00Z') });
  payments = generate(300);
  const store = dynamoPaymentStore(stack.doc, stack.tableName);
  // Written as the workers would: the payment, then each refund with the payment's totals in the order they
  // succeeded (the report's facts are filled in by the write path), then its disputes.
  const seed = async ({ refunds, disputes, ...payment }: Seeded) => {
    await store.save({ ...payment, amountRefunded: 0 }, undefined);
    let refundedSoFar = 0;
    const inOrder = [...refunds].sort((a, b) => a.statusCreated - b.statusCreated);
    for (const refund of inOrder) {
      if (refund.status === 'succeeded') refundedSoFar += refund.amount;
      const moves = refund.status === 'succeeded';
      await changePayment(store, clinicId, 'test', payment.paymentId, async (current) => ({
        outcome: 'applied',
        refunds: [{ ...refund, version: 1 }],
        ...(moves && current
          ? { payment: { ...current, amountRefunded: refundedSoFar, version: current.version + 1 } }
          : {}),
      }));
    }
    for (const dispute of disputes) {
      await changePayment(store, clinicId, 'test', payment.paymentId, async () => ({
        outcome: 'applied',
        disputes: [{ ...dispute, version: 1 }],
      }));
    }
  };
  for (let i = 0; i < payments.length; i += 25) {
    await Promise.all(payments.slice(i, i + 25).map(seed));
  }
});
afterAll(() => stack?.stop());

async function report(query: string) {
  const token = await signDevToken({ clinicId, role: 'staff' });
  return apiClient(stack.apiUrl)('GET', `/v1/clinics/${clinicId}/reports/payments?${query}`, token);
}

describe('the payments report', () => {
  it('matches an independent sum over all 300 payments (three pages of the index), month by month', async () => {
    for (const [from, to] of [
      ['2026-02-01T00:00:00.000Z', '2026-03-01T00:00:00.000Z'],
      ['2026-03-01T00:00:00.000Z', '2026-04-01T00:00:00.000Z'],
      ['2026-04-01T00:00:00.000Z', '2026-05-01T00:00:00.000Z'],
      ['2026-05-01T00:00:00.000Z', '2026-06-01T00:00:00.000Z'],
    ] as const) {
      const month = await report(`mode=test&from=${from}&to=${to}`);
      expect(month.status).toBe(200);
      expect(month.body).toEqual({ mode: 'test', from, to, currencies: expected(from, to) });
    }
    // Refunds that succeeded after their payment's month count in their own month: April and May have some.
    expect(
      expected('2026-05-01T00:00:00.000Z', '2026-06-01T00:00:00.000Z').some((row) => row.refunded > 0),
    ).toBe(true);
  });

  it('reports the current calendar month (UTC) when the request names no window', async () => {
    const current = await report('mode=test');
    expect(current.status).toBe(200);
    expect(current.body).toMatchObject({ from: '2026-03-01T00:00:00.000Z', to: '2026-04-01T00:00:00.000Z' });
    expect(current.body.currencies).toEqual(expected('2026-03-01T00:00:00.000Z', '2026-04-01T00:00:00.000Z'));
  });

  it('includes `from` and excludes `to`, in UTC, whatever offset the bounds are written in', async () => {
    const boundary = payments.find((p) => p.status === 'succeeded') as Seeded;
    const from = iso(boundary.statusSource.created);
    const to = new Date(Date.parse(from) + 9 * 86_400_000).toISOString();
    const utc = await report(`mode=test&from=${from}&to=${to}`);
    expect(utc.body.currencies).toEqual(expected(from, to));
    expect(utc.body).toMatchObject({ mode: 'test', from, to });
    // Excluding `to`: a window ending exactly where this one starts does not count the boundary payment.
    const before = await report(
      `mode=test&from=${new Date(Date.parse(from) - 86_400_000).toISOString()}&to=${from}`,
    );
    expect(before.body.currencies).toEqual(
      expected(new Date(Date.parse(from) - 86_400_000).toISOString(), from),
    );
    // The same instants written in UTC+02:00.
    const shifted = (instant: string) => {
      const d = new Date(Date.parse(instant) + 2 * 3_600_000).toISOString().replace('Z', '+02:00');
      return encodeURIComponent(d);
    };
    const offset = await report(`mode=test&from=${shifted(from)}&to=${shifted(to)}`);
    expect(offset.body.currencies).toEqual(utc.body.currencies);
  });

  it('answers text/csv with one row per currency, the same figures as the JSON', async () => {
    const from = '2026-03-01T00:00:00.000Z';
    const to = '2026-04-01T00:00:00.000Z';
    const client = typedClient(stack.apiUrl, await signDevToken({ clinicId, role: 'staff' }));
    const { data, response } = await client.GET('/v1/clinics/{clinicId}/reports/payments', {
      params: { path: { clinicId }, query: { mode: 'test', from, to, format: 'csv' } },
      parseAs: 'text',
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    const [header, ...rows] = (data as string).trimEnd().split('\r\n');
    expect(header).toBe(
      'mode,from,to,currency,gross,refunded,net,succeededCount,failedCount,refundedCount,partiallyRefundedCount,disputed,disputedCount',
    );
    expect(rows).toEqual(
      expected(from, to).map((row) => ['test', from, to, ...Object.values(row)].map(String).join(',')),
    );
  });

  it('refuses a window that ends before it starts, one longer than 366 days, an unknown format and an unknown mode', async () => {
    const backwards = await report('mode=test&from=2026-04-01T00:00:00Z&to=2026-03-01T00:00:00Z');
    expect(backwards.body).toMatchObject({ error: { code: 'validation_failed', field: 'to' } });
    const leapYear = await report('mode=test&from=2028-01-01T00:00:00Z&to=2029-01-01T00:00:00Z');
    expect(leapYear.status).toBe(200);
    const tooLong = await report('mode=test&from=2026-01-01T00:00:00Z&to=2027-01-02T00:00:01Z');
    expect(tooLong).toMatchObject({
      status: 400,
      body: { error: { code: 'validation_failed', field: 'to' } },
    });
    expect((await report('mode=test&format=xlsx')).body).toMatchObject({ error: { field: 'format' } });
    expect((await report('mode=prod')).status).toBe(400);
  });
});
