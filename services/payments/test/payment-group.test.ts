import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  createDocumentClient,
  createObservability,
  createStripeClient,
  envNames,
  type SecretStore,
  type StripeEvent,
  type WebhookEventMessage,
} from '@basis/shared';
import type { Context } from 'aws-lambda';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { localAwsConfig } from '../../../local/src/local-aws.ts';
import { createTable } from '../../../local/src/provision.ts';
import { countDynamoRequests } from '../../../local/src/request-counter.ts';
import { fixtureEvent } from '../../../test/support/fixtures.ts';
import { sqsEventOf } from '../../../test/support/sqs-event.ts';
import { dynamoCustomerStore } from '../src/adapters/dynamo-customer-store.ts';
import { dynamoPaymentStore } from '../src/adapters/dynamo-payment-store.ts';
import { buildPaymentsWorker } from '../src/build.ts';
import { ConcurrentUpdateError, type PaymentRecord } from '../src/domain/payment.ts';
import { paymentIntentFacts } from '../src/domain/payment-intent-event.ts';
import type { PaymentStore } from '../src/ports.ts';
import { applyPaymentGroup } from '../src/use-cases/apply-payment-group.ts';
import {
  applyInOrder,
  latestOf,
  type PaymentIntentFixture,
  paymentIntentEvent,
  visible,
} from './payment-intent-properties.ts';

const dynamo = new DynamoDBClient(localAwsConfig(inject('dynamoEndpoint')));
const counter = countDynamoRequests(dynamo);
const doc = createDocumentClient(dynamo);
const now = new Date('2026-11-29T12:00:00Z');
const clinicId = 'clinic_group';

/** Conditional writes that lost, seen through an SDK middleware on the client every store below uses. */
let conditionalFailures = 0;
dynamo.middlewareStack.add(
  (next) => async (args) => {
    try {
      return await next(args);
    } catch (error) {
      if ((error as Error).name === 'ConditionalCheckFailedException') conditionalFailures += 1;
      throw error;
    }
  },
  { step: 'initialize', name: 'countConditionalFailures' },
);

const tables = {
  grouped: `group-${Math.random().toString(36).slice(2)}`,
  oneByOne: `single-${Math.random().toString(36).slice(2)}`,
  rerun: `rerun-${Math.random().toString(36).slice(2)}`,
};

beforeAll(() => Promise.all(Object.values(tables).map((name) => createTable(dynamo, name))));
afterAll(() => dynamo.destroy());

/** The payments worker as deployed, on `tableName`; it never needs Stripe here. */
function worker(tableName: string) {
  const noSecrets: SecretStore = { get: async () => undefined, put: async () => {}, delete: async () => {} };
  return buildPaymentsWorker({
    table: { doc, tableName },
    secrets: { cached: noSecrets, uncached: noSecrets },
    stripe: createStripeClient('paymentsWorker', { [envNames.stripeApiUrl]: 'http://127.0.0.1:9' }),
    observability: createObservability('paymentsWorker', { logLevel: 'SILENT' }),
    cors: { allowedOrigins: [] },
    now: () => now,
  });
}

function messageOf(event: StripeEvent): WebhookEventMessage {
  return { kind: 'stripe.webhook_event', clinicId, mode: 'test', receivedAt: now.toISOString(), event };
}

/** `processing`, `succeeded` and `charge.succeeded` of one payment, as Stripe sends them within a second or two. */
function paymentStory(n: number, created: number): WebhookEventMessage[] {
  const paymentId = `pi_group_${n}`;
  const chargeId = `ch_group_${n}`;
  const metadata = { booking_id: `bk_${n}`, clinic_id: clinicId };
  const intent = (type: string, id: string, at: number) => {
    const base = fixtureEvent(type) as unknown as StripeEvent;
    const charged = type === 'payment_intent.succeeded' ? { latest_charge: chargeId } : {};
    const object = { ...base.data.object, id: paymentId, metadata, ...charged };
    return messageOf({ ...base, id, created: at, data: { object } });
  };
  const chargeBase = JSON.parse(JSON.stringify(fixtureEvent('payment_intent.succeeded'))) as StripeEvent;
  const charge = messageOf({
    ...chargeBase,
    id: `evt_group_${n}_charge`,
    type: 'charge.succeeded',
    created: created + 1,
    data: { object: { id: chargeId, object: 'charge', payment_intent: paymentId, paid: true } },
  });
  return [
    intent('payment_intent.processing', `evt_group_${n}_processing`, created),
    // Payments 0 and 2: succeeded in the same second as processing, so only the order within a second decides.
    intent('payment_intent.succeeded', `evt_group_${n}_succeeded`, n % 2 === 0 ? created : created + 1),
    charge,
  ];
}

/** A fixed shuffle (a seeded linear congruential generator), so that a failure reproduces. */
function shuffled<T>(items: readonly T[], seed: number): T[] {
  const out = [...items];
  let state = seed;
  for (let i = out.length - 1; i > 0; i--) {
    state = (state * 1103515245 + 12345) % 2147483648;
    const j = state % (i + 1);
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

describe('the payments worker applies a batch per payment', () => {
  const payments = 4;
  const stories = Array.from({ length: payments }, (_, n) => paymentStory(n, 1785405600 + 10 * n));
  const all = stories.flat();
  // Shuffled, with a duplicate delivery of one event of each payment.
  const delivered = shuffled([...all, ...stories.map((story, n) => story[n % 3] as WebhookEventMessage)], 7);

  it('one read of each payment (all in one request) and one write per payment, no lost condition, the same records as one event at a time', async () => {
    conditionalFailures = 0;
    counter.reset();
    const response = await worker(tables.grouped)(sqsEventOf(delivered), {} as Context);
    expect(response.batchItemFailures).toEqual([]);
    expect(conditionalFailures).toBe(0);
    const counts = counter.counts();
    // The groups' first reads start together: one BatchGetItem carries every payment's key, none is read alone.
    expect(counts.BatchGetItemCommand).toBe(1);
    expect(counts.GetItemCommand).toBeUndefined();
    expect(counts.PutItemCommand).toBe(payments);
    // One ledger entry per delivery.
    expect(counts.UpdateItemCommand).toBe(delivered.length);

    // The same deliveries one per batch, in the same order (one at a time, as before grouping).
    const single = worker(tables.oneByOne);
    for (const message of delivered) {
      const answer = await single(sqsEventOf([message]), {} as Context);
      expect(answer.batchItemFailures).toEqual([]);
    }
    const grouped = dynamoPaymentStore(doc, tables.grouped);
    const oneByOne = dynamoPaymentStore(doc, tables.oneByOne);
    for (let n = 0; n < payments; n++) {
      const record = await grouped.get(clinicId, 'test', `pi_group_${n}`);
      expect(record?.status).toBe('succeeded');
      expect(record?.chargeId).toBe(`ch_group_${n}`);
      expect(visible(record)).toEqual(visible(await oneByOne.get(clinicId, 'test', `pi_group_${n}`)));
    }
  });

  it('re-runs a group whose one write lost its condition, on fresh data', async () => {
    const store = dynamoPaymentStore(doc, tables.rerun);
    const [processing, succeeded, charge] = paymentStory(9, 1785405700);
    if (!processing || !succeeded || !charge) throw new Error('story missing');
    // Another writer (a refund, a payout link) changes the payment between the group's read and its write, once.
    let interfered = false;
    const racing: PaymentStore = {
      ...store,
      async save(record: PaymentRecord, expectedVersion: number | undefined) {
        if (!interfered && expectedVersion !== undefined) {
          interfered = true;
          const stored = await store.get(clinicId, 'test', record.paymentId);
          if (!stored) throw new Error('stored payment missing');
          await store.save({ ...stored, payoutId: 'po_race', version: stored.version + 1 }, stored.version);
        }
        await store.save(record, expectedVersion);
      },
    };
    const deps = {
      payments: racing,
      customers: dynamoCustomerStore(doc, tables.rerun),
      stripe: {
        paymentIntent: () => Promise.reject(new Error('not needed')),
        paymentMethod: () => Promise.reject(new Error('not needed')),
      },
      now: () => now,
    };
    expect(await applyPaymentGroup(deps, [processing])).toEqual(['applied']);
    conditionalFailures = 0;
    expect(await applyPaymentGroup(deps, [succeeded, charge, succeeded])).toEqual([
      'applied',
      'stale',
      'duplicate',
    ]);
    expect(conditionalFailures).toBe(1);
    const record = await store.get(clinicId, 'test', 'pi_group_9');
    expect(record?.status).toBe('succeeded');
    // The other writer's change stands: the group was decided again on the record it wrote.
    expect(record?.payoutId).toBe('po_race');
    expect(record?.version).toBe(3);
  });
});

describe('payment groups, as a property', () => {
  const types: PaymentIntentFixture[] = [
    'payment_intent.payment_failed',
    'payment_intent.requires_action',
    'payment_intent.processing',
    'payment_intent.succeeded',
  ];

  /** The payment store in memory, conditional on the version read, as DynamoDB's is. */
  function memoryStore(): PaymentStore & { record: () => PaymentRecord | undefined } {
    let stored: PaymentRecord | undefined;
    const unused = () => Promise.reject(new Error('not used by the payments worker'));
    return {
      get: async () => structuredClone(stored),
      find: async () => structuredClone(stored),
      slice: unused,
      refund: unused,
      dispute: unused,
      report: unused,
      write: unused,
      list: async () => ({ items: [], nextCursor: null }),
      async save(record, expectedVersion) {
        if (stored?.version !== expectedVersion) throw new ConcurrentUpdateError(record.paymentId);
        stored = structuredClone(record);
      },
      record: () => stored,
    };
  }

  it('any events of one payment, delivered in any order and repetition and cut into any groups, end as one at a time', async () => {
    const specsAndOrder = fc
      .uniqueArray(
        fc.record({
          type: fc.constantFrom(...types),
          created: fc.integer({ min: 100, max: 103 }),
          n: fc.nat(1000),
        }),
        { minLength: 1, maxLength: 8, selector: (spec) => spec.n },
      )
      .chain((specs) =>
        fc.tuple(
          fc.constant(specs),
          fc.shuffledSubarray(specs, { minLength: specs.length, maxLength: specs.length }),
        ),
      );
    await fc.assert(
      fc.asyncProperty(
        specsAndOrder,
        fc.array(fc.integer({ min: 1, max: 6 }), { minLength: 1 }),
        async ([specs, order], sizes) => {
          const toEvent = (spec: (typeof specs)[number]) =>
            paymentIntentEvent(spec.type, `evt_${spec.n}`, spec.created);
          const stripeNow = latestOf(specs.map(toEvent));
          const reference = visible(applyInOrder(specs.map(toEvent), stripeNow).record);
          const store = memoryStore();
          const deps = {
            payments: store,
            customers: dynamoCustomerStore(doc, tables.rerun),
            stripe: {
              paymentIntent: async () => paymentIntentFacts(stripeNow).paymentIntent,
              paymentMethod: () => Promise.reject(new Error('not needed')),
            },
            now: () => new Date('2026-11-26T12:00:00Z'),
          };
          const delivered = [...order, ...order.slice(0, 2)].map((spec) => ({
            ...messageOf(toEvent(spec)),
            clinicId: 'clinic_1',
          }));
          // Each group in delivery order, not sorted: the outcome must not depend on the kit's ordering.
          for (let start = 0, b = 0; start < delivered.length; b++) {
            const size = sizes[b % sizes.length] ?? 1;
            await applyPaymentGroup(deps, delivered.slice(start, start + size));
            start += size;
          }
          expect(visible(store.record())).toEqual(reference);
        },
      ),
      { numRuns: 300 },
    );
  });
});
