import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  createDocumentClient,
  type SecretStore,
  type StripeEvent,
  StripeUnavailableError,
  type WebhookEventMessage,
} from '@basis/shared';
import type { Context } from 'aws-lambda';
import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { localAwsConfig } from '../../../local/src/local-aws.ts';
import { createTable } from '../../../local/src/provision.ts';
import { countDynamoRequests } from '../../../local/src/request-counter.ts';
import { fixtureEvent } from '../../../test/support/fixtures.ts';
import { silentObservability } from '../../../test/support/observability.ts';
import { sqsEventOf } from '../../../test/support/sqs-event.ts';
import { silentLogger, testModeSecrets } from '../../../test/support/test-stack.ts';
import { dynamoPaymentStore } from '../../payments/src/adapters/dynamo-payment-store.ts';
import {
  ConcurrentUpdateError,
  type PaymentRecord,
  paymentRecordSchema,
} from '../../payments/src/domain/payment.ts';
import type { PaymentStore } from '../../payments/src/ports.ts';
import { paymentRecords } from '../../payments/src/use-cases/payment-records.ts';
import { dynamoPayoutStore } from '../src/adapters/dynamo-payout-store.ts';
import { stripePayoutsGateway } from '../src/adapters/stripe-payouts-gateway.ts';
import type { BalanceTransactionFacts } from '../src/domain/payout.ts';
import type { ReconcilePayoutMessage } from '../src/domain/payouts-messages.ts';
import { createPayoutsWorker } from '../src/payouts-worker.ts';
import type { PayoutStore, PayoutsGateway } from '../src/ports.ts';
import { applyPayoutEvent } from '../src/use-cases/apply-payout-event.ts';
import { type ReconcilePayoutDeps, reconcilePayout } from '../src/use-cases/reconcile-payout.ts';

const dynamo = new DynamoDBClient(localAwsConfig(inject('dynamoEndpoint')));
const counter = countDynamoRequests(dynamo);
const doc = createDocumentClient(dynamo);
const tableName = `payouts-${Math.random().toString(36).slice(2)}`;
const payouts = dynamoPayoutStore(doc, tableName);
const payments = dynamoPaymentStore(doc, tableName);
/** Payments' port as the payouts worker gets it; a payout never reads a PaymentIntent from Stripe here. */
const paymentsPort = (store: PaymentStore = payments) =>
  paymentRecords({
    payments: store,
    stripe: { paymentIntent: () => Promise.reject(new Error('not needed')) },
    now: () => new Date(),
  });
const clinicId = 'clinic_reconcile';
const secrets: SecretStore = {
  get: async (id) => (id === clinicId ? { clinicId, test: testModeSecrets('whsec_unused') } : undefined),
  put: async () => undefined,
  delete: async () => undefined,
};

beforeAll(() => createTable(dynamo, tableName));
afterAll(() => dynamo.destroy());

function txn(
  id: string,
  type: string,
  amount: number,
  fee: number,
  source: BalanceTransactionFacts['source'],
) {
  return {
    id,
    type,
    reportingCategory: type,
    amount,
    fee,
    net: amount - fee,
    currency: 'usd',
    created: 100,
    source,
  };
}

/** A payout of three charges (two Basis knows), a refund and a fee, listed by Stripe with the payout's own row. */
function transactionsOf(payoutId: string, suffix: string): BalanceTransactionFacts[] {
  const charge = (n: number) => ({
    id: `ch_${n}`,
    object: 'charge',
    chargeId: `ch_${n}`,
    paymentIntentId: `pi_${suffix}_${n}`,
  });
  return [
    txn(`txn_${suffix}_payout`, 'payout', -8455, 0, {
      id: payoutId,
      object: 'payout',
      chargeId: null,
      paymentIntentId: null,
    }),
    txn(`txn_${suffix}_fee`, 'stripe_fee', -100, 0, null),
    txn(`txn_${suffix}_refund`, 'refund', -500, 0, {
      id: 're_1',
      object: 'refund',
      chargeId: 'ch_1',
      paymentIntentId: `pi_${suffix}_1`,
    }),
    txn(`txn_${suffix}_3`, 'charge', 1000, 59, charge(3)),
    txn(`txn_${suffix}_2`, 'charge', 3000, 117, charge(2)),
    txn(`txn_${suffix}_1`, 'charge', 5000, 175, charge(1)),
  ];
}

/** Stripe's cursor pagination over a fixed list, counting calls. */
function fakeGateway(transactions: readonly BalanceTransactionFacts[], pageSize = 2) {
  const calls: Array<string | null> = [];
  const gateway: PayoutsGateway = {
    async listPayoutTransactions(_secretKey, _payoutId, startingAfter) {
      calls.push(startingAfter);
      const start = startingAfter ? transactions.findIndex((t) => t.id === startingAfter) + 1 : 0;
      const page = transactions.slice(start, start + pageSize);
      return {
        transactions: page,
        hasMore: start + pageSize < transactions.length,
        lastId: page.at(-1)?.id ?? null,
      };
    },
  };
  return { gateway, calls };
}

/** Parsed, so that fields the schema defaults need not be spelled out here. */
function paymentRecord(paymentId: string): PaymentRecord {
  const now = new Date().toISOString();
  return paymentRecordSchema.parse({
    clinicId,
    mode: 'test',
    paymentId,
    bookingId: `bk_${paymentId}`,
    serviceId: null,
    clientId: null,
    amount: 1000,
    currency: 'usd',
    status: 'succeeded',
    chargeId: null,
    failure: null,
    amountRefunded: 0,
    payoutId: null,
    membershipId: null,
    invoiceId: null,
    createdAt: now,
    updatedAt: now,
    statusSource: { eventId: 'evt_x', created: 1, rank: 104 },
    appliedEventIds: ['evt_x'],
    version: 1,
  });
}

function payoutMessage(type: string, eventId: string, payoutId: string): WebhookEventMessage {
  const base = fixtureEvent(type) as unknown as StripeEvent;
  return {
    kind: 'stripe.webhook_event',
    clinicId,
    mode: 'test',
    receivedAt: new Date().toISOString(),
    event: { ...base, id: eventId, data: { object: { ...base.data.object, id: payoutId, amount: 8455 } } },
  };
}

/** A paid payout that Stripe has reconciled, with two of its three payments recorded in Basis. */
async function paidPayout(suffix: string) {
  const payoutId = `po_${suffix}`;
  const deps = { payouts, now: () => new Date() };
  await applyPayoutEvent(deps, payoutMessage('payout.paid', `evt_${suffix}_p`, payoutId));
  await applyPayoutEvent(deps, payoutMessage('payout.reconciliation_completed', `evt_${suffix}_r`, payoutId));
  await payments.save(paymentRecord(`pi_${suffix}_1`), undefined);
  await payments.save(paymentRecord(`pi_${suffix}_2`), undefined);
  return payoutId;
}

function depsWith(
  gateway: PayoutsGateway,
  overrides: Partial<ReconcilePayoutDeps> = {},
): ReconcilePayoutDeps & { sent: ReconcilePayoutMessage[] } {
  const sent: ReconcilePayoutMessage[] = [];
  return {
    payouts,
    payments: paymentsPort(),
    secrets,
    stripe: gateway,
    continuation: { send: async (message) => void sent.push(message) },
    logger: silentLogger(),
    now: () => new Date(),
    timeReserveMs: 10_000,
    sent,
    ...overrides,
  };
}

const plentyOfTime = () => 60_000;

async function expectReconciled(payoutId: string, suffix: string) {
  const stored = await payouts.getWithItems(clinicId, 'test', payoutId);
  expect(stored?.record.reconciliation).toMatchObject({ status: 'completed', pages: 3, itemCount: 5 });
  expect(stored?.items.map((item) => item.balanceTransactionId)).toEqual(
    transactionsOf(payoutId, suffix)
      .slice(1)
      .map((t) => t.id),
  );
  expect(stored?.items.map((item) => item.position)).toEqual([0, 1, 2, 3, 4]);
  const byPayment = (paymentId: string) =>
    stored?.items.find((item) => item.paymentId === paymentId && item.type === 'charge');
  expect(byPayment(`pi_${suffix}_1`)).toMatchObject({ matched: true, bookingId: `bk_pi_${suffix}_1` });
  expect(byPayment(`pi_${suffix}_3`)).toMatchObject({ matched: false, bookingId: null, chargeId: 'ch_3' });
  expect((await payments.get(clinicId, 'test', `pi_${suffix}_1`))?.payoutId).toBe(payoutId);
  expect((await payments.get(clinicId, 'test', `pi_${suffix}_2`))?.payoutId).toBe(payoutId);
  expect(await payments.get(clinicId, 'test', `pi_${suffix}_3`)).toBeUndefined();
}

describe('reconciling a payout against DynamoDB Local', () => {
  it('stores every page, joins known payments, keeps unknown ones and sets payoutId on the paid payments', async () => {
    const payoutId = await paidPayout('all');
    const { gateway, calls } = fakeGateway(transactionsOf(payoutId, 'all'));
    expect(await reconcilePayout(depsWith(gateway), { clinicId, mode: 'test', payoutId }, plentyOfTime)).toBe(
      'completed',
    );
    expect(calls).toEqual([null, 'txn_all_fee', 'txn_all_3']);
    await expectReconciled(payoutId, 'all');
  });

  it('hands the rest to a continuation message when time runs low, and resumes from the stored cursor', async () => {
    const payoutId = await paidPayout('resume');
    const { gateway, calls } = fakeGateway(transactionsOf(payoutId, 'resume'));
    const deps = depsWith(gateway);
    const outcomes = [];
    for (let invocation = 0; invocation < 10; invocation++) {
      let looks = 0;
      const outcome = await reconcilePayout(deps, { clinicId, mode: 'test', payoutId }, () =>
        looks++ === 0 ? 60_000 : 1_000,
      );
      outcomes.push(outcome);
      if (outcome === 'completed') break;
    }
    expect(outcomes).toEqual(['continued', 'continued', 'completed']);
    expect(deps.sent).toEqual([
      expect.objectContaining({ kind: 'payouts.reconcile', clinicId, mode: 'test', payoutId }),
      expect.objectContaining({ kind: 'payouts.reconcile', payoutId }),
    ]);
    // No page was read twice.
    expect(calls).toEqual([null, 'txn_resume_fee', 'txn_resume_3']);
    await expectReconciled(payoutId, 'resume');
  });

  it('redoes a page after a crash between storing its items and moving the cursor, without duplicates', async () => {
    const payoutId = await paidPayout('crash');
    const { gateway } = fakeGateway(transactionsOf(payoutId, 'crash'));
    let crashed = false;
    const crashingStore: PayoutStore = {
      ...payouts,
      async save(record, expectedVersion) {
        if (!crashed && record.reconciliation.pages === 2) {
          crashed = true;
          throw new Error('Lambda timed out');
        }
        return payouts.save(record, expectedVersion);
      },
    };
    const target = { clinicId, mode: 'test' as const, payoutId };
    await expect(
      reconcilePayout(depsWith(gateway, { payouts: crashingStore }), target, plentyOfTime),
    ).rejects.toThrow('Lambda timed out');
    expect((await payouts.get(clinicId, 'test', payoutId))?.reconciliation).toMatchObject({
      pages: 1,
      itemCount: 1,
    });
    expect(await reconcilePayout(depsWith(gateway), target, plentyOfTime)).toBe('completed');
    await expectReconciled(payoutId, 'crash');
  });

  it('ends in the same record when several workers reconcile one payout at once', async () => {
    const payoutId = await paidPayout('race');
    const { gateway } = fakeGateway(transactionsOf(payoutId, 'race'));
    const target = { clinicId, mode: 'test' as const, payoutId };
    const outcomes = await Promise.all(
      [1, 2, 3].map(() => reconcilePayout(depsWith(gateway), target, plentyOfTime)),
    );
    expect(outcomes).toEqual(['completed', 'completed', 'completed']);
    await expectReconciled(payoutId, 'race');
  });

  it('links a payment whose record another writer changed meanwhile', async () => {
    const payoutId = await paidPayout('link');
    const { gateway } = fakeGateway(transactionsOf(payoutId, 'link'));
    let lost = 0;
    const racingPayments: PaymentStore = {
      ...payments,
      async save(record, expectedVersion) {
        if (lost < 2 && record.payoutId === payoutId) {
          lost++;
          throw new ConcurrentUpdateError(record.paymentId);
        }
        return payments.save(record, expectedVersion);
      },
    };
    const target = { clinicId, mode: 'test' as const, payoutId };
    expect(
      await reconcilePayout(
        depsWith(gateway, { payments: paymentsPort(racingPayments) }),
        target,
        plentyOfTime,
      ),
    ).toBe('completed');
    expect(lost).toBe(2);
    await expectReconciled(payoutId, 'link');
  });

  it('fails loudly (retry, then DLQ) when the clinic has no key for the mode', async () => {
    const payoutId = await paidPayout('nokey');
    const { gateway } = fakeGateway(transactionsOf(payoutId, 'nokey'));
    const none: SecretStore = { ...secrets, get: async () => undefined };
    await expect(
      reconcilePayout(
        depsWith(gateway, { secrets: none }),
        { clinicId, mode: 'test', payoutId },
        plentyOfTime,
      ),
    ).rejects.toMatchObject({ code: 'stripe_not_connected' });
  });
});

const context = { getRemainingTimeInMillis: () => 60_000 } as unknown as Context;

describe('the payouts worker', () => {
  it('applies events, reconciles, and then costs no write for duplicates; a poison message fails alone', async () => {
    const payoutId = 'po_worker';
    await payments.save(paymentRecord('pi_worker_1'), undefined);
    const { gateway } = fakeGateway(transactionsOf(payoutId, 'worker'));
    const worker = createPayoutsWorker(
      depsWith(gateway),
      silentObservability('payoutsWorker'),
      // The ledger's own write per delivery is measured elsewhere; here only payout and payment writes count.
      {
        record: async () => {},
        has: async () => ({ settled: false, receivedAt: null }),
        list: async () => ({ data: [], nextCursor: null }),
      },
    );
    const events = [
      payoutMessage('payout.created', 'evt_w_c', payoutId),
      payoutMessage('payout.reconciliation_completed', 'evt_w_r', payoutId),
      payoutMessage('payout.paid', 'evt_w_p', payoutId),
    ];
    const first = await worker(sqsEventOf([...events, '{"not":"a message"}'], 'payouts'), context);
    expect(first.batchItemFailures).toEqual([{ itemIdentifier: 'm3' }]);
    const stored = await payouts.getWithItems(clinicId, 'test', payoutId);
    expect(stored?.record).toMatchObject({
      status: 'paid',
      reconciliation: { status: 'completed', itemCount: 5 },
    });
    expect((await payments.get(clinicId, 'test', 'pi_worker_1'))?.payoutId).toBe(payoutId);

    counter.reset();
    const again = await worker(
      sqsEventOf(
        [
          ...events,
          {
            kind: 'payouts.reconcile',
            clinicId,
            mode: 'test',
            payoutId,
            requestedAt: new Date().toISOString(),
          },
        ],
        'payouts',
      ),
      context,
    );
    expect(again.batchItemFailures).toEqual([]);
    expect(counter.writes()).toBe(0);
  });
});

describe('listing balance transactions from Stripe', () => {
  const page = { object: 'list', data: [], has_more: false, url: '/v1/balance_transactions' };

  function fakeStripe(failures: unknown[]) {
    const requests: unknown[] = [];
    const stripe = {
      balanceTransactions: {
        list: async (params: unknown, options: unknown) => {
          requests.push({ params, options });
          const failure = failures.shift();
          if (failure) throw failure;
          return page;
        },
      },
    } as unknown as Stripe;
    return { stripe, requests };
  }

  it('asks for one page with the clinic’s key, the sources expanded and the cursor', async () => {
    const { stripe, requests } = fakeStripe([]);
    await stripePayoutsGateway(stripe, { pageSize: 3 }).listPayoutTransactions('sk_test_x', 'po_1', 'txn_9');
    expect(requests).toEqual([
      {
        params: { payout: 'po_1', limit: 3, expand: ['data.source'], starting_after: 'txn_9' },
        options: { apiKey: 'sk_test_x' },
      },
    ]);
  });

  it('retries rate limits and connection errors with backoff, within a bound', async () => {
    const delays: number[] = [];
    const sleep = async (ms: number) => void delays.push(ms);
    const rateLimited = () => new Stripe.errors.StripeRateLimitError({ message: 'Too many requests' });
    const { stripe, requests } = fakeStripe([
      rateLimited(),
      new Stripe.errors.StripeConnectionError({ message: 'socket hang up' }),
    ]);
    const result = await stripePayoutsGateway(stripe, { sleep, baseDelayMs: 100 }).listPayoutTransactions(
      'sk_test_x',
      'po_1',
      null,
    );
    expect(result).toEqual({ transactions: [], hasMore: false, lastId: null });
    expect(requests).toHaveLength(3);
    expect(delays).toHaveLength(2);
    expect(delays[1]).toBeLessThanOrEqual(200);

    const always = fakeStripe([rateLimited(), rateLimited(), rateLimited(), rateLimited()]);
    await expect(
      stripePayoutsGateway(always.stripe, { sleep, attempts: 4 }).listPayoutTransactions(
        'sk_test_x',
        'po_1',
        null,
      ),
    ).rejects.toBeInstanceOf(StripeUnavailableError);
    expect(always.requests).toHaveLength(4);
  });

  it('does not retry a request Stripe refuses', async () => {
    const refused = new Stripe.errors.StripeInvalidRequestError({
      message: 'No such payout',
      statusCode: 400,
    } as never);
    const { stripe, requests } = fakeStripe([refused]);
    await expect(
      stripePayoutsGateway(stripe, { sleep: async () => undefined }).listPayoutTransactions(
        'sk_test_x',
        'po_1',
        null,
      ),
    ).rejects.toThrow('Stripe');
    expect(requests).toHaveLength(1);
  });
});
