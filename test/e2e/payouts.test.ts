import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signDevToken } from '../../local/src/dev-jwt.ts';
import type { LocalStack } from '../../local/src/local-stack.ts';
import type { SqsFunction } from '../../local/src/sqs-poller.ts';
import { dynamoPayoutStore } from '../../services/payouts/src/adapters/dynamo-payout-store.ts';
import { apiClient, type Json } from '../support/clinic-api.ts';
import { capturingObservability } from '../support/observability.ts';
import { newTestAccountKeys, simCall, simStripe } from '../support/stripe-sim-client.ts';
import { eventually, startTestStack } from '../support/test-stack.ts';

const stripe = simStripe();
const keys = newTestAccountKeys();
const clinicId = `clinic_payouts_${Math.random().toString(36).slice(2, 8)}`;
/** Small pages, so that every payout here spans several pages of balance transactions. */
const pageSize = 3;

/** Log lines of the payouts worker, to see continuations happen. */
const logLines: string[] = [];
const observability = capturingObservability(logLines, 'INFO');
/** The payouts worker's log lines: `{level, message, …}`. */
const workerLog = () =>
  logLines
    .map((line) => JSON.parse(line) as { service: string; level: string; message: string })
    .filter((line) => line.service === 'payoutsWorker');

/**
 * While set, each invocation of the payouts worker sees plenty of time at its first look and almost none after,
 * as a Lambda close to its timeout would: one page per invocation, the rest through continuation messages.
 */
let squeezeTime = false;
const wrapWorker = (queue: string, worker: SqsFunction): SqsFunction => {
  if (queue !== 'payouts') return worker;
  return (event, context) => {
    if (!squeezeTime) return worker(event, context);
    let looks = 0;
    return worker(event, { ...context, getRemainingTimeInMillis: () => (looks++ === 0 ? 60_000 : 1_000) });
  };
};

let stack: LocalStack;
let adminToken: string;
let staffToken: string;

beforeAll(async () => {
  stack = await startTestStack({ observability, wrapWorker, payoutsPageSize: pageSize });
  adminToken = await signDevToken({ clinicId, role: 'clinic_admin' });
  staffToken = await signDevToken({ clinicId, role: 'staff' });
  const connected = await api('PUT', `/v1/clinics/${clinicId}/stripe/test`, adminToken, {
    publishableKey: keys.publishableKey,
    secretKey: keys.secretKey,
  });
  expect(connected.status).toBe(200);
});
afterAll(async () => {
  await simCall('DELETE', '/_sim/chaos', keys.secretKey).catch(() => undefined);
  await stack?.stop();
});

const api = (method: string, path: string, token: string, body?: unknown) =>
  apiClient(stack.apiUrl)(method, path, token, body);

/** Pays on the simulator; with a booking as the booking flow does, without one as the Stripe dashboard does. */
async function pay(amount: number, bookingId?: string): Promise<string> {
  const intent = await stripe.paymentIntents.create(
    {
      amount,
      currency: 'usd',
      payment_method: 'pm_card_visa',
      confirm: true,
      automatic_payment_methods: { enabled: true, allow_redirects: 'never' },
      ...(bookingId ? { metadata: { booking_id: bookingId, service_id: 'svc_1', client_id: 'cl_1' } } : {}),
    },
    { apiKey: keys.secretKey },
  );
  return intent.id;
}

async function payment(paymentId: string): Promise<Json | undefined> {
  const response = await api('GET', `/v1/clinics/${clinicId}/payments/${paymentId}`, staffToken);
  return response.status === 200 ? response.body : undefined;
}

/** Waits until the payments worker has recorded each payment (their webhooks travel through the queue). */
async function recorded(paymentIds: readonly string[]): Promise<void> {
  for (const paymentId of paymentIds) {
    await eventually(async () => ((await payment(paymentId))?.status === 'succeeded' ? true : undefined));
  }
}

async function simPayout(form: Record<string, string> = {}): Promise<Json> {
  return simCall('POST', '/_sim/payouts', keys.secretKey, { currency: 'usd', ...form });
}

async function getPayout(payoutId: string) {
  return api('GET', `/v1/clinics/${clinicId}/payouts/${payoutId}`, staffToken);
}

/** Waits until the payout's view satisfies `done`. */
async function payoutWhen(
  payoutId: string,
  done: (view: Json) => boolean,
  timeoutMs = 20_000,
): Promise<Json> {
  return eventually(async () => {
    const response = await getPayout(payoutId);
    return response.status === 200 && response.body && done(response.body) ? response.body : undefined;
  }, timeoutMs);
}

/** Stripe's own list of the payout's transactions, without the payout's own row. */
async function stripeTransactionsOf(payoutId: string) {
  const all = [];
  for await (const transaction of stripe.balanceTransactions.list(
    { payout: payoutId, limit: 100, expand: ['data.source'] },
    { apiKey: keys.secretKey },
  )) {
    all.push(transaction);
  }
  return all.filter((transaction) => transaction.type !== 'payout');
}

async function settled(): Promise<void> {
  await eventually(async () => {
    const deliveries = await simCall('GET', '/_sim/deliveries', keys.secretKey);
    return deliveries.pending === 0 ? true : undefined;
  }, 20_000);
  await stack.drained();
}

describe('payouts reconciled with bookings, through HTTP, SQS and DynamoDB, against the simulator', () => {
  let firstPayoutId: string;

  it('joins every transaction of a paid payout to its payment, refund or dispute, and it adds up', async () => {
    const booked = await pay(5000, 'bk_refunded');
    const plain = await pay(3000, 'bk_plain');
    const disputed = await pay(2000, 'bk_disputed');
    const dashboard = await pay(1500);
    await recorded([booked, plain, disputed, dashboard]);

    const refund = await stripe.refunds.create(
      { payment_intent: booked, amount: 1200 },
      { apiKey: keys.secretKey },
    );
    const dispute = await simCall('POST', '/_sim/disputes', keys.secretKey, {
      payment_intent: disputed,
      reason: 'fraudulent',
    });
    const payout = await simPayout();
    firstPayoutId = payout.id as string;

    const view = await payoutWhen(firstPayoutId, (body) => body.reconciliation.status === 'completed');
    const stripeRows = await stripeTransactionsOf(firstPayoutId);
    expect(stripeRows.length).toBe(6);
    expect(view).toMatchObject({
      payoutId: firstPayoutId,
      mode: 'test',
      amount: payout.amount,
      currency: 'usd',
      status: 'paid',
      automatic: true,
      arrivalDate: new Date((payout.arrival_date as number) * 1000).toISOString(),
      reconciled: true,
      difference: 0,
      reconciliation: { status: 'completed', reason: null, itemCount: 6 },
      totals: {
        gross: stripeRows.reduce((sum, row) => sum + row.amount, 0),
        fee: stripeRows.reduce((sum, row) => sum + row.fee, 0),
        net: payout.amount,
      },
    });

    const chargeOf = async (paymentId: string) => (await payment(paymentId))?.chargeId as string;
    const item = (type: string, paymentId: string) =>
      view.items.find((entry: Json) => entry.type === type && entry.paymentId === paymentId);
    expect(item('charge', booked)).toMatchObject({
      chargeId: await chargeOf(booked),
      refundId: null,
      matched: true,
      bookingId: 'bk_refunded',
      gross: 5000,
      fee: 175,
      net: 4825,
    });
    expect(item('charge', plain)).toMatchObject({ bookingId: 'bk_plain', gross: 3000, fee: 117, net: 2883 });
    expect(item('charge', disputed)).toMatchObject({ bookingId: 'bk_disputed', gross: 2000 });
    // The dashboard payment has no booking, but Basis recorded it from its webhooks and it is listed and joined.
    expect(item('charge', dashboard)).toMatchObject({
      chargeId: await chargeOf(dashboard),
      matched: true,
      bookingId: null,
      gross: 1500,
      fee: 74,
      net: 1426,
    });
    expect(item('refund', booked)).toMatchObject({
      refundId: refund.id,
      chargeId: await chargeOf(booked),
      bookingId: 'bk_refunded',
      gross: -1200,
      fee: 0,
      net: -1200,
    });
    expect(item('dispute', disputed)).toMatchObject({
      disputeId: dispute.id,
      chargeId: await chargeOf(disputed),
      gross: -2000,
      fee: 1500,
      net: -3500,
    });
    expect(view.items.map((entry: Json) => entry.balanceTransactionId).sort()).toEqual(
      stripeRows.map((row) => row.id).sort(),
    );

    // The payments it paid out show it.
    for (const paymentId of [booked, plain, disputed, dashboard]) {
      expect((await payment(paymentId))?.payoutId).toBe(firstPayoutId);
    }
    // The listing serves the same payout, newest first.
    const list = await api('GET', `/v1/clinics/${clinicId}/payouts?mode=test`, adminToken);
    expect(list.status).toBe(200);
    expect(list.body?.data[0]).toEqual(view);
  });

  it('resumes a long reconciliation in new invocations through continuation messages', async () => {
    const payments = [];
    for (let i = 0; i < 7; i++) payments.push(await pay(1000 + i * 100, `bk_long_${i}`));
    await recorded(payments);
    const continuationsBefore = workerLog().filter((line) => line.message.includes('continues')).length;
    squeezeTime = true;
    try {
      const payout = await simPayout();
      const view = await payoutWhen(payout.id as string, (body) => body.reconciled === true);
      expect(view.items).toHaveLength(7);
      expect(view.difference).toBe(0);
      for (const paymentId of payments) {
        expect(view.items.find((entry: Json) => entry.paymentId === paymentId)?.type).toBe('charge');
        expect((await payment(paymentId))?.payoutId).toBe(payout.id);
      }
      const stored = await dynamoPayoutStore(stack.doc, stack.tableName).get(
        clinicId,
        'test',
        payout.id as string,
      );
      // 8 rows with the payout's own: pages of 3, each stored in an invocation of its own.
      expect(stored?.reconciliation).toMatchObject({ status: 'completed', pages: 3, itemCount: 7 });
      const continuations =
        workerLog().filter((line) => line.message.includes('continues')).length - continuationsBefore;
      expect(continuations).toBeGreaterThanOrEqual(2);
    } finally {
      squeezeTime = false;
    }
  });

  it('changes nothing for duplicated and shuffled payout events', async () => {
    await simCall('POST', '/_sim/chaos', keys.secretKey, {
      duplicate: '3',
      shuffle_window_ms: '400',
      seed: '7',
    });
    try {
      const payments = [await pay(4200, 'bk_chaos_1'), await pay(800)];
      await recorded(payments);
      const payout = await simPayout();
      const payoutId = payout.id as string;
      const view = await payoutWhen(payoutId, (body) => body.reconciled === true);
      expect(view).toMatchObject({ status: 'paid', amount: payout.amount, difference: 0 });
      expect(view.items).toHaveLength(2);
      await settled();

      const store = dynamoPayoutStore(stack.doc, stack.tableName);
      const before = await store.get(clinicId, 'test', payoutId);
      const settledView = (await getPayout(payoutId)).body;
      expect(settledView).toEqual(view);
      // Every payout event delivered once more (three copies each, shuffled): no write, the same answer.
      const events = await stripe.events.list({ type: 'payout.*', limit: 100 }, { apiKey: keys.secretKey });
      const ofPayout = events.data.filter((event) => (event.data.object as { id: string }).id === payoutId);
      expect(ofPayout.map((event) => event.type).sort()).toEqual([
        'payout.created',
        'payout.paid',
        'payout.reconciliation_completed',
      ]);
      for (const event of ofPayout) await simCall('POST', `/_sim/events/${event.id}/resend`, keys.secretKey);
      await settled();
      expect(await store.get(clinicId, 'test', payoutId)).toEqual(before);
      expect((await getPayout(payoutId)).body).toEqual(view);
      for (const paymentId of payments) expect((await payment(paymentId))?.payoutId).toBe(payoutId);
    } finally {
      await simCall('DELETE', '/_sim/chaos', keys.secretKey);
    }
  });

  it('shows a failed payout as failed, with its reason, and not reconciled', async () => {
    await recorded([await pay(2500, 'bk_failed_payout')]);
    const payout = await simPayout({ fail: 'true', failure_code: 'account_closed' });
    const view = await payoutWhen(payout.id as string, (body) => body.status === 'failed');
    expect(view).toMatchObject({
      payoutId: payout.id,
      status: 'failed',
      failure: { code: 'account_closed', message: 'The bank account has been closed.' },
      reconciled: false,
      reconciliation: { status: 'unavailable', reason: 'payout_failed' },
      items: [],
    });
    await settled();
    expect((await getPayout(payout.id as string)).body?.status).toBe('failed');
  });

  it('shows a manual payout as such: no transactions to list, not reconciled, not an error', async () => {
    // The failed payout's money came back to the available balance: a manual payout pays it out.
    const payout = await simPayout({ automatic: 'false' });
    const view = await payoutWhen(payout.id as string, (body) => body.status === 'paid');
    expect(view).toMatchObject({
      payoutId: payout.id,
      automatic: false,
      amount: payout.amount,
      reconciled: false,
      reconciliation: { status: 'unavailable', reason: 'manual_payout' },
      items: [],
      totals: { gross: 0, fee: 0, net: 0 },
      difference: payout.amount,
    });
    await settled();
    expect(workerLog().filter((line) => line.level === 'ERROR')).toEqual([]);
  });

  it('lists a clinic’s payouts of one mode newest first, and answers bad requests clearly', async () => {
    const list = await api('GET', `/v1/clinics/${clinicId}/payouts?mode=test`, staffToken);
    expect(list.status).toBe(200);
    const created = list.body?.data.map((entry: Json) => entry.createdAt) as string[];
    expect(list.body?.data).toHaveLength(5);
    expect([...created].sort().reverse()).toEqual(created);
    // Payouts made in the same second tie on `createdAt`: the first one is among the oldest.
    const oldest = ((list.body?.data ?? []) as Json[]).filter((entry) => entry.createdAt === created.at(-1));
    expect(oldest.map((entry) => entry.payoutId)).toContain(firstPayoutId);

    const paged = await api('GET', `/v1/clinics/${clinicId}/payouts?mode=test&limit=2`, staffToken);
    expect(paged.body?.data).toHaveLength(2);
    const next = await api(
      'GET',
      `/v1/clinics/${clinicId}/payouts?mode=test&limit=10&cursor=${paged.body?.nextCursor}`,
      staffToken,
    );
    expect(next.body?.data.map((entry: Json) => entry.payoutId)).toEqual(
      list.body?.data.slice(2).map((entry: Json) => entry.payoutId),
    );

    expect((await api('GET', `/v1/clinics/${clinicId}/payouts?mode=live`, staffToken)).body).toEqual({
      data: [],
      nextCursor: null,
    });
    const badMode = await api('GET', `/v1/clinics/${clinicId}/payouts?mode=prod`, staffToken);
    expect(badMode.status).toBe(400);
    expect(badMode.body?.error).toMatchObject({ code: 'validation_failed', field: 'mode' });
    const noMode = await api('GET', `/v1/clinics/${clinicId}/payouts`, staffToken);
    expect(noMode.body?.error).toMatchObject({ code: 'validation_failed', field: 'mode' });
    const badCursor = await api(
      'GET',
      `/v1/clinics/${clinicId}/payouts?mode=test&cursor=nonsense`,
      staffToken,
    );
    expect(badCursor.body?.error).toMatchObject({ code: 'validation_failed', field: 'cursor' });

    const unknown = await getPayout('po_unknown');
    expect(unknown.status).toBe(404);
    expect(unknown.body?.error.code).toBe('payout_not_found');
    const client = await signDevToken({ clinicId, role: 'client', clientId: 'cl_1' });
    expect((await api('GET', `/v1/clinics/${clinicId}/payouts/${firstPayoutId}`, client)).status).toBe(403);
    const otherClinic = await signDevToken({ clinicId: 'clinic_other', role: 'clinic_admin' });
    expect((await api('GET', `/v1/clinics/${clinicId}/payouts?mode=test`, otherClinic)).status).toBe(403);
  });
});
