import {
  cachedSecretStore,
  createObservability,
  type Metrics,
  noMetrics,
  type QueueMessage,
  queueWorker,
  type SecretStore,
  StripeUnavailableError,
} from '@basis/shared';
import type { Context, SQSEvent } from 'aws-lambda';
import type Stripe from 'stripe';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { lambdaContext } from '../../../local/src/lambda-context.ts';
import { emfDuring, emfMetrics } from '../../../test/support/emf.ts';
import { memoryPaymentStore } from '../../../test/support/memory-payment-store.ts';
import { succeededPayment } from '../../../test/support/payment-record.ts';
import { silentLogger, testModeSecrets } from '../../../test/support/test-stack.ts';
import type { PaymentRecord, PaymentSlice, RefundEntry } from '../../payments/src/domain/payment.ts';
import type { PaymentStore } from '../../payments/src/ports.ts';
import { paymentRecords } from '../../payments/src/use-cases/payment-records.ts';
import type { RefundsDeps, RefundsGateway } from '../src/ports.ts';
import { reconcileRefund } from '../src/use-cases/apply-refund-event.ts';
import { requestRefund } from '../src/use-cases/request-refund.ts';

/** The refunds never need to read a PaymentIntent from Stripe here: the payment is stored. */
const notNeeded = { paymentIntent: () => Promise.reject(new Error('not needed')) };
const now = () => new Date('2026-11-26T12:00:00Z');

const succeeded = succeededPayment({ amount: 5000, serviceId: null, clientId: null });

/** A payment store in memory around one payment, with the same versioned-write contract as the DynamoDB one. */
function memoryPayments(initial: PaymentSlice, journal: string[]): PaymentStore {
  return memoryPaymentStore(() => initial, journal);
}

const sliceOf = (payment: PaymentRecord): PaymentSlice => ({ payment, refunds: [], disputes: [] });

/** A secret store that always answers one connection (the key `sk_test_<suffix>`). */
function fixedSecrets(suffix: string): SecretStore {
  return {
    get: async () => ({ clinicId: 'clinic_1', test: testModeSecrets('whsec_x', suffix) }),
    put: async () => {},
    delete: async () => {},
  };
}

function refund(id: string, amount: number, key: string): Stripe.Refund {
  return {
    id,
    object: 'refund',
    amount,
    status: 'succeeded',
    created: 1_800_000_000,
    payment_intent: 'pi_1',
    charge: 'ch_1',
    metadata: { refund_request_id: key },
  } as unknown as Stripe.Refund;
}

describe('a refund request when Stripe does not answer', () => {
  it('queues its reconciler before writing the refund pending, and the reconciler completes it with the same key', async () => {
    const journal: string[] = [];
    const queued: QueueMessage[] = [];
    const calls: Array<{ idempotencyKey: string; amount: number }> = [];
    let stripeAnswers = false;
    const counted: Array<{ name: string; metadata: unknown }> = [];
    const metrics: Metrics = {
      count: (name, _dimensions, metadata) => void counted.push({ name, metadata }),
    };
    const gateway: RefundsGateway = {
      createRefund: async (_key, input) => {
        calls.push({ idempotencyKey: input.idempotencyKey, amount: input.amount });
        if (!stripeAnswers) throw new StripeUnavailableError();
        return refund('re_made_once', input.amount, input.metadata.refund_request_id ?? '');
      },
      listRefunds: async () => [],
    };
    const secrets = fixedSecrets('testclinic0001');
    const deps: RefundsDeps = {
      payments: paymentRecords({
        payments: memoryPayments(sliceOf(succeeded), journal),
        stripe: notNeeded,
        now,
      }),
      secrets,
      freshSecrets: secrets,
      refunds: gateway,
      queue: {
        send: async (_queue, message, options) => {
          journal.push(`queue delay=${options?.delaySeconds}`);
          queued.push(message);
        },
      },
      logger: silentLogger(),
      metrics,
      now: () => new Date('2026-11-26T12:00:00Z'),
      newRefundKey: () => 'rf_fixed',
    };

    const answer = await requestRefund(
      deps,
      { userId: 'u1', clinicId: 'clinic_1', role: 'staff', clientId: undefined },
      {
        clinicId: 'clinic_1',
        paymentId: 'pi_1',
        body: { amount: 1200 },
        requestKey: undefined,
      },
    );
    expect(answer).toEqual({ refundId: null, status: 'pending', amount: 1200, reason: null });
    expect(journal).toEqual(['queue delay=60', 'save v2']);
    expect(queued).toEqual([
      {
        kind: 'basis.refund_reconcile',
        clinicId: 'clinic_1',
        mode: 'test',
        paymentId: 'pi_1',
        refundKey: 'rf_fixed',
      },
    ]);

    // The pending refund holds its amount: what remains is smaller.
    const over = requestRefund(
      deps,
      { userId: 'u2', clinicId: 'clinic_1', role: 'staff', clientId: undefined },
      {
        clinicId: 'clinic_1',
        paymentId: 'pi_1',
        body: { amount: 3801 },
        requestKey: undefined,
      },
    );
    await expect(over).rejects.toMatchObject({ code: 'refund_exceeds_remaining' });
    expect(counted).toEqual([]);

    stripeAnswers = true;
    expect(await reconcileRefund(deps, queued[0])).toBe('applied');
    // The reconciler found the refund still pending past its delay: operations see it, with clinic and payment.
    expect(counted).toEqual([
      { name: 'RefundStuckPending', metadata: { clinicId: 'clinic_1', paymentId: 'pi_1' } },
    ]);
    const payment = await deps.payments.get('clinic_1', 'test', 'pi_1');
    expect(await deps.payments.refund('clinic_1', 'test', 'pi_1', 'rf_fixed')).toEqual(
      expect.objectContaining({ refundKey: 'rf_fixed', refundId: 're_made_once', status: 'succeeded' }),
    );
    expect(payment?.amountRefunded).toBe(1200);
    expect(payment?.amountRefundPending).toBe(0);
    expect(new Set(calls.map((call) => call.idempotencyKey)).size).toBe(1);
    // A second delivery of the reconcile message finds nothing left to do, and counts nothing.
    expect(await reconcileRefund(deps, queued[0])).toBe('stale');
    expect(counted).toHaveLength(1);
  });
});

/** A refund written pending whose Stripe answer was lost: no refund id a minute later. */
const lostAnswer: PaymentSlice = {
  payment: { ...succeeded, amountRefundPending: 1000 },
  disputes: [],
  refunds: [
    {
      version: 1,
      refundKey: 'rf_lost',
      refundId: null,
      amount: 1000,
      status: 'pending',
      reason: null,
      failureReason: null,
      idempotencyKey: 'idem_rf_lost',
      requestedBy: 'user_1',
      createdAt: '2026-11-26T11:59:00.000Z',
      statusRank: 0,
      statusCreated: 0,
    },
  ],
};

describe('a refund the reconciler finds still pending', () => {
  afterEach(() => vi.unstubAllEnvs());

  it('is counted as RefundStuckPending in EMF by the refunds worker, with clinic and payment as metadata', async () => {
    vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'false');
    vi.stubEnv('POWERTOOLS_DEV', 'true');
    vi.stubEnv('POWERTOOLS_METRICS_NAMESPACE', 'Basis/test');
    const observability = createObservability('refundsWorker', { logLevel: 'SILENT' });
    const deps: RefundsDeps = {
      payments: paymentRecords({ payments: memoryPayments(lostAnswer, []), stripe: notNeeded, now }),
      secrets: fixedSecrets('testclinic0001'),
      freshSecrets: fixedSecrets('testclinic0001'),
      refunds: {
        createRefund: async (_key, input) => refund('re_1', input.amount, 'rf_lost'),
        listRefunds: async () => [],
      },
      queue: { send: async () => {} },
      logger: silentLogger(),
      metrics: observability.metrics,
      now,
      newRefundKey: () => 'rf_unused',
    };
    const worker = queueWorker({
      queue: 'refunds',
      observability,
      ledger: {
        record: async () => {},
        has: async () => ({ settled: false, receivedAt: null }),
        list: async () => ({ data: [], nextCursor: null }),
      },
      applyEvent: async () => 'ignored',
      internal: { 'basis.refund_reconcile': (body) => reconcileRefund(deps, body) },
    });
    const reconcile = {
      kind: 'basis.refund_reconcile',
      clinicId: 'clinic_1',
      mode: 'test',
      paymentId: 'pi_1',
      refundKey: 'rf_lost',
    };
    const event = {
      Records: [
        { messageId: 'm1', body: JSON.stringify(reconcile), attributes: { ApproximateReceiveCount: '1' } },
      ],
    } as unknown as SQSEvent;
    let failures: unknown;
    const documents = await emfDuring(async () => {
      failures = (await worker(event, lambdaContext('refundsWorker') as Context)).batchItemFailures;
    });
    expect(failures).toEqual([]);
    const stuck = documents.filter((document) => 'RefundStuckPending' in document);
    expect(emfMetrics(stuck)).toEqual([
      {
        namespace: 'Basis/test',
        name: 'RefundStuckPending',
        value: 1,
        dimensions: { service: 'refundsWorker' },
      },
    ]);
    expect(stuck[0]).toMatchObject({ clinicId: 'clinic_1', paymentId: 'pi_1' });
  });
});

/** Deps around one payment whose stored state the test controls read by read. */
function depsAround(
  reads: () => PaymentSlice,
  journal: string[],
  overrides: Partial<RefundsDeps> = {},
): RefundsDeps {
  const payments = memoryPaymentStore(reads, journal);
  const secrets = fixedSecrets('testclinic0001');
  return {
    payments: paymentRecords({ payments, stripe: notNeeded, now }),
    secrets,
    freshSecrets: secrets,
    refunds: {
      createRefund: async (_key, input) =>
        refund('re_1', input.amount, input.metadata.refund_request_id ?? ''),
      listRefunds: async () => [],
    },
    queue: {
      send: async () => {
        journal.push('queue');
      },
    },
    logger: silentLogger(),
    metrics: noMetrics,
    now,
    newRefundKey: () => 'rf_race',
    ...overrides,
  };
}

const staff = { userId: 'u1', clinicId: 'clinic_1', role: 'staff' as const, clientId: undefined };

describe('the race path: room for a refund appears only on a re-read', () => {
  // The first read sees the whole amount held by a pending refund; by the time the write is decided, that refund
  // has failed (Stripe refused it), so the new refund fits.
  const holding: RefundEntry = {
    refundKey: 'rf_other',
    refundId: null,
    amount: 5000,
    status: 'pending',
    reason: null,
    failureReason: null,
    idempotencyKey: 'basis-refund-x',
    requestedBy: 'u2',
    createdAt: '2026-11-26T11:59:00.000Z',
    statusRank: 0,
    statusCreated: 1_800_000_000,
  };
  const held: PaymentSlice = {
    payment: { ...succeeded, amountRefundPending: 5000 },
    refunds: [{ ...holding, version: 1 }],
    disputes: [],
  };
  const released: PaymentSlice = {
    payment: { ...held.payment, amountRefundPending: 0, version: held.payment.version + 1 },
    refunds: [
      { ...holding, status: 'failed', failureReason: 'stripe_key_rejected', statusRank: 2, version: 2 },
    ],
    disputes: [],
  };
  const readsOf = () => {
    let count = 0;
    return () => {
      count += 1;
      return count === 1 ? held : released;
    };
  };

  it('queues the reconcile message before the write of the pending refund', async () => {
    const journal: string[] = [];
    const answer = await requestRefund(depsAround(readsOf(), journal), staff, {
      clinicId: 'clinic_1',
      paymentId: 'pi_1',
      body: { amount: 2000 },
      requestKey: undefined,
    });
    expect(answer).toMatchObject({ refundId: 're_1', status: 'succeeded', amount: 2000 });
    expect(journal.slice(0, 2)).toEqual(['queue', 'save v3']);
  });

  it('writes nothing when the reconcile message cannot be sent, so no refund is ever stranded pending', async () => {
    const journal: string[] = [];
    const calls: string[] = [];
    const deps = depsAround(readsOf(), journal, {
      queue: { send: () => Promise.reject(new Error('SQS is down')) },
    });
    deps.refunds = {
      createRefund: async (_key, input) => {
        calls.push(input.idempotencyKey);
        return refund('re_1', input.amount, '');
      },
      listRefunds: async () => [],
    };
    await expect(
      requestRefund(deps, staff, {
        clinicId: 'clinic_1',
        paymentId: 'pi_1',
        body: {},
        requestKey: undefined,
      }),
    ).rejects.toMatchObject({ code: 'enqueue_failed' });
    expect(journal).toEqual([]);
    expect(calls).toEqual([]);
  });
});

describe('a refund after a re-connect made through another container', () => {
  it('is made with the current connection, never with the replaced key a cache still holds', async () => {
    let current = 'accountA0001';
    const store: SecretStore = {
      get: async () => ({ clinicId: 'clinic_1', test: testModeSecrets('whsec_x', current) }),
      put: async () => {},
      delete: async () => {},
    };
    // This container's cache read account A; then another container re-connected the mode to account B.
    const cached = cachedSecretStore(store, 300);
    expect((await cached.get('clinic_1'))?.test?.secretKey).toBe('sk_test_accountA0001');
    current = 'accountB0002';
    expect((await cached.get('clinic_1'))?.test?.secretKey).toBe('sk_test_accountA0001');

    const keysUsed: string[] = [];
    const deps = depsAround(() => sliceOf(succeeded), [], { secrets: cached, freshSecrets: store });
    deps.refunds = {
      createRefund: async (secretKey, input) => {
        keysUsed.push(secretKey);
        return refund('re_1', input.amount, '');
      },
      listRefunds: async () => [],
    };
    await requestRefund(deps, staff, {
      clinicId: 'clinic_1',
      paymentId: 'pi_1',
      body: { amount: 1000 },
      requestKey: undefined,
    });
    expect(keysUsed).toEqual(['sk_test_accountB0002']);
  });
});
