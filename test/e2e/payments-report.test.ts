import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signDevToken } from '../../local/src/dev-jwt.ts';
import type { LocalStack } from '../../local/src/local-stack.ts';
import { dynamoPaymentStore } from '../../services/payments/src/adapters/dynamo-payment-store.ts';
import type { PaymentRecord, PaymentStatus } from '../../services/payments/src/domain/payment.ts';
import { startTestStack } from '../support/test-stack.ts';

const clinicId = 'clinic_report';
let stack: LocalStack;
let payments: PaymentRecord[];

const statuses: PaymentStatus[] = ['succeeded', 'succeeded', 'succeeded', 'failed', 'canceled', 'processing'];
const currencies = ['usd', 'eur', 'jpy'];
const start = Date.parse('2026-03-01T00:00:00Z');
const span = 40 * 86_400_000;

/** A few hundred payments with random dates, currencies, statuses, refunds and disputes, written as the workers would. */
function generate(count: number): PaymentRecord[] {
  const rng = fc.sample(
    fc.record({
      offset: fc.integer({ min: 0, max: span }),
      status: fc.constantFrom(...statuses),
      currency: fc.constantFrom(...currencies),
      amount: fc.integer({ min: 100, max: 50_000 }),
      refundShare: fc.constantFrom(0, 0, 0.25, 1),
      disputed: fc.integer({ min: 0, max: 7 }).map((n) => n === 0),
    }),
    { numRuns: count, seed: 20261126 },
  );
  return rng.map((spec, index) => {
    const createdAt = new Date(start + spec.offset).toISOString();
    const refunded = spec.status === 'succeeded' ? Math.floor(spec.amount * spec.refundShare) : 0;
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
      refunds: refunded
        ? [
            {
              refundKey: `k${index}`,
              refundId: `re_${index}`,
              amount: refunded,
              status: 'succeeded',
              reason: null,
              failureReason: null,
              idempotencyKey: null,
              requestedBy: null,
              createdAt,
              statusRank: 1,
              statusCreated: 1,
            },
          ]
        : [],
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
      statusSource: { eventId: `evt_${index}`, created: 1, rank: 1 },
      appliedEventIds: [],
      version: 1,
    };
  });
}

/** The same report, summed independently of the code under test. */
function expected(from: string, to: string) {
  const inRange = payments.filter((p) => p.createdAt >= from && p.createdAt < to);
  return currencies
    .map((currency) => {
      const mine = inRange.filter((p) => p.currency === currency);
      const succeeded = mine.filter((p) => p.status === 'succeeded');
      const gross = succeeded.reduce((s, p) => s + p.amount, 0);
      const refunded = succeeded.reduce((s, p) => s + p.amountRefunded, 0);
      const disputes = succeeded.flatMap((p) => p.disputes);
      return {
        currency,
        gross,
        refunded,
        net: gross - refunded,
        succeededCount: succeeded.length,
        failedCount: mine.filter((p) => p.status === 'failed').length,
        refundedCount: succeeded.filter((p) => p.amountRefunded === p.amount).length,
        partiallyRefundedCount: succeeded.filter((p) => p.amountRefunded > 0 && p.amountRefunded < p.amount)
          .length,
        disputed: disputes.reduce((s, d) => s + d.amount, 0),
        disputedCount: disputes.length,
        present: mine.length > 0,
      };
    })
    .filter((row) => row.present)
    .map(({ present: _present, ...row }) => row)
    .sort((a, b) => a.currency.localeCompare(b.currency));
}

beforeAll(async () => {
  stack = await startTestStack();
  payments = generate(300);
  const store = dynamoPaymentStore(stack.doc, stack.tableName);
  for (let i = 0; i < payments.length; i += 25) {
    await Promise.all(payments.slice(i, i + 25).map((p) => store.save(p, undefined)));
  }
});
afterAll(() => stack?.stop());

async function report(query: string) {
  const token = await signDevToken({ clinicId, role: 'staff' });
  const response = await fetch(`${stack.apiUrl}/v1/clinics/${clinicId}/reports/payments?${query}`, {
    headers: { authorization: `Bearer ${token}` },
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe('the payments report', () => {
  it('matches an independent sum over all 300 payments (three pages of the index)', async () => {
    const all = await report('mode=test');
    expect(all.status).toBe(200);
    expect(all.body.currencies).toEqual(expected('0', '9'));
  });

  it('includes `from` and excludes `to`, in UTC, whatever offset the bounds are written in', async () => {
    const boundary = payments[17] as PaymentRecord;
    const from = boundary.createdAt;
    const to = new Date(Date.parse(from) + 9 * 86_400_000).toISOString();
    const utc = await report(`mode=test&from=${from}&to=${to}`);
    expect(utc.body.currencies).toEqual(expected(from, to));
    expect(utc.body).toMatchObject({ mode: 'test', from, to });
    // The same instants written in UTC+02:00.
    const shifted = (iso: string) => {
      const d = new Date(Date.parse(iso) + 2 * 3_600_000).toISOString().replace('Z', '+02:00');
      return encodeURIComponent(d);
    };
    const offset = await report(`mode=test&from=${shifted(from)}&to=${shifted(to)}`);
    expect(offset.body.currencies).toEqual(utc.body.currencies);
  });

  it('refuses a range that ends before it starts, and an unknown mode', async () => {
    const backwards = await report('mode=test&from=2026-04-01T00:00:00Z&to=2026-03-01T00:00:00Z');
    expect(backwards.body).toMatchObject({ error: { code: 'validation_failed', field: 'to' } });
    expect((await report('mode=prod')).status).toBe(400);
  });
});
