import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createDocumentClient, noMetrics, type WebhookEventMessage } from '@basis/shared';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { meterConsumedCapacity } from '../../../bench/support/consumed-capacity.ts';
import { localAwsConfig } from '../../../local/src/local-aws.ts';
import { createTable } from '../../../local/src/provision.ts';
import { succeededPayment } from '../../../test/support/payment-record.ts';
import { silentLogger } from '../../../test/support/test-stack.ts';
import { dynamoPaymentStore, paymentItem } from '../../payments/src/adapters/dynamo-payment-store.ts';
import type { PaymentRecord, RefundRecord } from '../../payments/src/domain/payment.ts';
import { paymentRecords } from '../../payments/src/use-cases/payment-records.ts';
import { planRefund } from '../src/domain/refunds.ts';
import type { RefundsDeps } from '../src/ports.ts';
import { applyRefundEvent } from '../src/use-cases/apply-refund-event.ts';

/**
 * The payment's storage under a long history: refunds are items of their own, so the payment item keeps its size
 * and a refund (or a refund event) costs the same write units at the 5,001st refund as at the first. Measured with
 * DynamoDB's ConsumedCapacity (TOTAL: table and indexes) through an SDK middleware.
 */
const dynamo = new DynamoDBClient(localAwsConfig(inject('dynamoEndpoint')));
const meter = meterConsumedCapacity(dynamo);
const tableName = `refund-storage-${Math.random().toString(36).slice(2)}`;
const doc = createDocumentClient(dynamo);
const store = dynamoPaymentStore(doc, tableName);
const now = () => new Date('2026-11-26T12:00:00Z');
const unreachable = () => Promise.reject(new Error('refund events of a stored payment never read Stripe'));
const records = paymentRecords({ payments: store, stripe: { paymentIntent: unreachable }, now });
const deps: RefundsDeps = {
  payments: records,
  secrets: { get: unreachable, put: unreachable, delete: unreachable },
  freshSecrets: { get: unreachable, put: unreachable, delete: unreachable },
  refunds: { createRefund: unreachable, listRefunds: unreachable },
  queue: { send: unreachable },
  logger: silentLogger(),
  metrics: noMetrics,
  now,
  newRefundKey: () => `rf_${Math.random().toString(36).slice(2)}`,
};
const clinicId = 'clinic_1';

beforeAll(() => createTable(dynamo, tableName));
afterAll(() => dynamo.destroy());

/** Writes a pending refund as the refund request does (plan, then the refund and the payment in one transaction). */
async function requestRefund(paymentId: string, refundKey: string, amount: number) {
  let planned: ReturnType<typeof planRefund> | undefined;
  const outcome = await records.change(clinicId, 'test', paymentId, async (current, read) => {
    if (!current) throw new Error('no payment');
    planned = planRefund(current, await read.refund(refundKey), {
      refundKey,
      amount,
      reason: null,
      requestedBy: 'staff_1',
      now: now(),
      idempotencyKeyFor: (key) => `idem-${key}`,
      newRefundKey: () => refundKey,
    });
    if (planned.kind !== 'new') return { outcome: 'stale' };
    return {
      outcome: 'applied',
      payment: { ...planned.record, version: current.version + 1 },
      refunds: [{ ...planned.refund, version: 1 }],
    };
  });
  expect(outcome).toBe('applied');
}

/** Stripe's `refund.updated` saying the refund Basis asked for (`refundKey`) succeeded. */
function refundSucceeded(paymentId: string, refundKey: string, amount: number): WebhookEventMessage {
  const created = 1_800_000_000;
  return {
    kind: 'stripe.webhook_event',
    clinicId,
    mode: 'test',
    receivedAt: now().toISOString(),
    event: {
      id: `evt_${refundKey}`,
      object: 'event',
      type: 'refund.updated',
      created: created + 5,
      livemode: false,
      data: {
        object: {
          id: `re_${refundKey}`,
          object: 'refund',
          amount,
          status: 'succeeded',
          created,
          payment_intent: paymentId,
          charge: 'ch_1',
          metadata: { refund_request_id: refundKey },
        },
      },
    } as unknown as WebhookEventMessage['event'],
  };
}

/** The write units of one step. */
async function wruOf(step: () => Promise<unknown>): Promise<number> {
  meter.reset();
  await step();
  return meter.totals().wru;
}

/**
 * The size DynamoDB bills an item by (its documented rules): attribute names and string values in UTF-8 bytes, a
 * number 1 byte plus one per two significant digits, a boolean or null 1 byte, a list or map 3 bytes plus 1 per
 * element plus the elements (a map's names included).
 */
function dynamoBytes(value: unknown): number {
  if (value === null || typeof value === 'boolean') return 1;
  if (typeof value === 'string') return Buffer.byteLength(value);
  if (typeof value === 'number')
    return 1 + Math.ceil(String(Math.abs(value)).replace(/^0+|\./g, '').length / 2);
  if (Array.isArray(value))
    return 3 + value.reduce((sum: number, element) => sum + 1 + dynamoBytes(element), 0);
  return (
    3 +
    Object.entries(value as Record<string, unknown>)
      .filter(([, element]) => element !== undefined)
      .reduce((sum, [name, element]) => sum + 1 + Buffer.byteLength(name) + dynamoBytes(element), 0)
  );
}

const itemBytes = (item: Record<string, unknown>) =>
  Object.entries(item)
    .filter(([, value]) => value !== undefined)
    .reduce((sum, [name, value]) => sum + Buffer.byteLength(name) + dynamoBytes(value), 0);

describe('a payment with 5,000 refunds', () => {
  it('still accepts a refund and a refund event, each costing the write units of the first', async () => {
    const paymentId = 'pi_many_refunds';
    const payment: PaymentRecord = succeededPayment({ paymentId, amount: 10_000_000 });
    await store.save(payment, undefined);

    // The first refund and its event, on a payment with no history.
    const firstRequest = await wruOf(() => requestRefund(paymentId, 'rf_first', 100));
    const firstEvent = await wruOf(() => applyRefundEvent(deps, refundSucceeded(paymentId, 'rf_first', 100)));

    // 5,000 succeeded refunds, written as items beside the payment (many at a time: each is an item of its own),
    // then the payment's total, as the refund path keeps it.
    const history = 5_000;
    const refunds: RefundRecord[] = Array.from({ length: history }, (_, index) => ({
      refundKey: `rf_old_${index}`,
      refundId: `re_old_${index}`,
      amount: 100,
      status: 'succeeded',
      reason: null,
      failureReason: null,
      idempotencyKey: `idem-rf_old_${index}`,
      requestedBy: 'staff_1',
      requestedAmount: 100,
      createdAt: '2026-11-01T00:00:00.000Z',
      statusRank: 1,
      statusCreated: 1_790_000_000,
      version: 1,
    }));
    for (let start = 0; start < refunds.length; start += 100) {
      await Promise.all(
        refunds
          .slice(start, start + 100)
          .map((refund) => store.write({ clinicId, mode: 'test', paymentId, refunds: [refund] })),
      );
    }
    const before = await store.get(clinicId, 'test', paymentId);
    if (!before) throw new Error('no payment');
    await store.save(
      { ...before, amountRefunded: before.amountRefunded + history * 100, version: before.version + 1 },
      before.version,
    );

    const laterRequest = await wruOf(() => requestRefund(paymentId, 'rf_later', 100));
    const laterEvent = await wruOf(() => applyRefundEvent(deps, refundSucceeded(paymentId, 'rf_later', 100)));
    expect(laterRequest).toBe(firstRequest);
    expect(laterEvent).toBe(firstEvent);
    expect(laterRequest).toBeGreaterThan(0);

    const slice = await store.slice(clinicId, 'test', paymentId);
    expect(slice?.refunds).toHaveLength(history + 2);
    expect(slice?.payment.amountRefunded).toBe((history + 2) * 100);
    expect(slice?.payment.amountRefundPending).toBe(0);
    // The payment item stays well under DynamoDB's 1 KB write unit, whatever its history.
    const bytes = itemBytes(paymentItem(slice?.payment as PaymentRecord));
    expect(bytes, `the payment item is ${bytes} bytes`).toBeLessThan(1024);
  }, 120_000);

  it('writes a refund that moves no money alone, and costs nothing when nothing changes', async () => {
    const paymentId = 'pi_no_money';
    await store.save(succeededPayment({ paymentId }), undefined);
    await requestRefund(paymentId, 'rf_a', 500);
    const pending = refundSucceeded(paymentId, 'rf_a', 500);
    const object = pending.event.data.object as Record<string, unknown>;
    object.status = 'pending';
    meter.reset();
    // The refund gains its Stripe id, still pending: the refund item alone, one PutItem.
    expect(await applyRefundEvent(deps, pending)).toBe('applied');
    expect(meter.totals().requests.PutItemCommand).toBe(1);
    expect(meter.totals().requests.TransactWriteItemsCommand).toBeUndefined();
    meter.reset();
    expect(await applyRefundEvent(deps, pending)).toBe('stale');
    expect(meter.totals().wru).toBe(0);
  });

  it('keeps a payment write that moves no index key at one write unit', async () => {
    const paymentId = 'pi_one_unit';
    await store.save(
      succeededPayment({
        paymentId,
        appliedEventIds: Array.from({ length: 8 }, (_, i) => `evt_1NqAbCdEfGhIjKlMnOp${i}`),
      }),
      undefined,
    );
    const wru = await wruOf(() => records.linkPayout(clinicId, 'test', paymentId, 'po_1234567890abcdefghij'));
    expect(wru).toBe(1);
  });
});
