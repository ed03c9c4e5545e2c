import type { ClientCustomers, PaymentRecord, PaymentRecords } from '@basis/payments';
import {
  type ClinicSecrets,
  createObservability,
  type EventOutcome,
  queueWorker,
  type SecretStore,
  type WebhookEventMessage,
} from '@basis/shared';
import type { Context } from 'aws-lambda';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sqsEventOf } from '../../../test/support/sqs-event.ts';
import { ConcurrentMembershipUpdateError, type MembershipRecord } from '../src/domain/membership.ts';
import type { BillingGateway, MembershipStore, SubscriptionView } from '../src/ports.ts';
import {
  applyMembershipEvent,
  applyMembershipGroup,
  membershipEventOrder,
  membershipGroupOf,
} from '../src/use-cases/apply-membership-event.ts';

const clinicId = 'clinic_1';
const t0 = 1_800_000_000;
const period = 30 * 86_400;

function subscription(status: string, start: number, extra: Record<string, unknown> = {}) {
  return {
    id: 'sub_1',
    object: 'subscription',
    customer: 'cus_1',
    status,
    cancel_at_period_end: false,
    canceled_at: null,
    created: t0,
    metadata: { clinic_id: clinicId, client_id: 'cl_1', plan_id: 'pl_1' },
    latest_invoice: start === t0 ? 'in_1' : 'in_2',
    items: {
      data: [
        {
          current_period_start: start,
          current_period_end: start + period,
          price: {
            id: 'price_1',
            unit_amount: 4500,
            currency: 'usd',
            recurring: { interval: 'month', interval_count: 1 },
          },
          quantity: 1,
        },
      ],
    },
    ...extra,
  };
}

function invoice(id: 'in_1' | 'in_2', status: string, attempts: number) {
  return {
    id,
    object: 'invoice',
    status,
    amount_due: 4500,
    amount_paid: status === 'paid' ? 4500 : 0,
    attempt_count: attempts,
    created: id === 'in_1' ? t0 : t0 + period,
    parent: { subscription_details: { subscription: 'sub_1', metadata: { clinic_id: clinicId } } },
  };
}

function event(
  id: string,
  type: string,
  created: number,
  object: Record<string, unknown>,
): WebhookEventMessage {
  return {
    kind: 'stripe.webhook_event',
    clinicId,
    mode: 'test',
    receivedAt: '2027-01-01T00:00:00.000Z',
    event: { id, object: 'event', type, created, livemode: false, data: { object: object as never } },
  };
}

const renewedAt = t0 + period;
const retriedAt = renewedAt + 3 * 86_400;
const finalSubscription = subscription('canceled', renewedAt, {
  cancel_at_period_end: true,
  canceled_at: retriedAt,
});

/**
 * One membership's life as Stripe tells it: sign-up paid on the first invoice, a renewal that fails and is paid on
 * retry, cancellation at period end (set in the same second as the retry's update: only a read can order them), and
 * the end. Several events share a second, as Stripe's do.
 */
const lifecycle: readonly WebhookEventMessage[] = [
  event('evt_01', 'customer.subscription.created', t0, subscription('incomplete', t0)),
  event('evt_02', 'invoice.finalized', t0, invoice('in_1', 'open', 0)),
  event('evt_03', 'invoice.paid', t0 + 1, invoice('in_1', 'paid', 1)),
  event('evt_04', 'invoice_payment.paid', t0 + 1, {
    id: 'inpay_1',
    object: 'invoice_payment',
    invoice: 'in_1',
    payment: { type: 'payment_intent', payment_intent: 'pi_1' },
  }),
  event('evt_05', 'customer.subscription.updated', t0 + 1, subscription('active', t0)),
  event('evt_06', 'customer.subscription.updated', renewedAt, subscription('active', renewedAt)),
  event('evt_07', 'invoice.finalized', renewedAt + 3600, invoice('in_2', 'open', 0)),
  event('evt_08', 'invoice.payment_failed', renewedAt + 3600, invoice('in_2', 'open', 1)),
  event('evt_09', 'customer.subscription.updated', renewedAt + 3600, subscription('past_due', renewedAt)),
  event('evt_10', 'invoice.paid', retriedAt, invoice('in_2', 'paid', 2)),
  event('evt_11', 'invoice_payment.paid', retriedAt, {
    id: 'inpay_2',
    object: 'invoice_payment',
    invoice: 'in_2',
    payment: { type: 'payment_intent', payment_intent: 'pi_2' },
  }),
  event('evt_12', 'customer.subscription.updated', retriedAt, subscription('active', renewedAt)),
  event('evt_13', 'customer.subscription.updated', retriedAt, {
    ...subscription('active', renewedAt),
    cancel_at_period_end: true,
    canceled_at: retriedAt,
  }),
  event('evt_14', 'customer.subscription.deleted', renewedAt + period, finalSubscription),
];

/** Stripe as it is once all of the above happened: what a read answers, whatever order the events came in. */
function fakeBilling(): BillingGateway {
  const invoices = {
    in_1: { invoice: invoice('in_1', 'paid', 1), paymentIntentId: 'pi_1' },
    in_2: { invoice: invoice('in_2', 'paid', 2), paymentIntentId: 'pi_2' },
  } as const;
  const view = (): SubscriptionView => ({
    subscription: finalSubscription as never,
    latestInvoice: invoices.in_2.invoice as never,
    clientSecret: null,
  });
  const unused = () => Promise.reject(new Error('not used by the worker'));
  return {
    createProduct: unused,
    createPrice: unused,
    createSubscription: unused,
    payInvoice: unused,
    setCancelAtPeriodEnd: unused,
    cancelNow: unused,
    retrieveSubscription: async () => view(),
    retrieveInvoice: async (_key, id) => invoices[id as 'in_1' | 'in_2'] as never,
    paymentFailure: async () => null,
  };
}

/** The membership store in memory, counting writes; conditional on the version read, as DynamoDB's is. */
function memoryStore() {
  const records = new Map<string, MembershipRecord>();
  let writes = 0;
  const store: MembershipStore = {
    get: async (_clinic, _mode, id) => structuredClone(records.get(id)),
    async save(record, previous) {
      if (records.get(record.membershipId)?.version !== previous?.version) {
        throw new ConcurrentMembershipUpdateError(record.membershipId);
      }
      writes += 1;
      records.set(record.membershipId, structuredClone(record));
    },
    list: async () => ({ items: [...records.values()], nextCursor: null }),
    ofClient: async () => [...records.values()],
    claim: async () => undefined,
    takeClaim: async () => true,
    setClaimSubscription: async () => {},
  };
  return { store, records, writes: () => writes };
}

/** Payments' port in memory: which payment is linked to which membership invoice, counting the writes it makes. */
function memoryPayments() {
  const links = new Map<string, { membershipId: string; invoiceId: string; clientId: string | null }>();
  let writes = 0;
  const port: PaymentRecords = {
    get: async () => undefined,
    find: async () => undefined,
    refund: async () => undefined,
    ensureRecorded: async () => undefined,
    update: async () => 'stale',
    change: async () => 'stale',
    linkPayout: async () => {},
    async linkInvoice(_clinic, _mode, paymentId, link) {
      const current = links.get(paymentId);
      const next = { ...link, clientId: current?.clientId ?? link.clientId };
      if (JSON.stringify(current) !== JSON.stringify(next)) {
        writes += 1;
        links.set(paymentId, next);
      }
      return undefined as PaymentRecord | undefined;
    },
  };
  return { port, links, writes: () => writes };
}

const secrets: SecretStore = {
  get: async () =>
    ({
      clinicId,
      test: {
        secretKey: 'sk_test_fake',
        publishableKey: 'pk_test_fake',
        accountId: null,
        webhookSecrets: [],
        webhook: { managed: false, endpointId: null, url: null },
        connectedAt: '2027-01-01T00:00:00.000Z',
      },
    }) satisfies ClinicSecrets,
  put: async () => {},
  delete: async () => {},
};

const customers: ClientCustomers = {
  ensureCustomer: async () => 'cus_1',
  clientOf: async () => 'cl_1',
  usableCard: async () => null,
};

/** Fresh in-memory membership and payment stores, and the worker's deps over them, as each run starts. */
function freshWorld() {
  const memberships = memoryStore();
  const payments = memoryPayments();
  const deps = {
    memberships: memberships.store,
    payments: payments.port,
    billing: fakeBilling(),
    customers,
    secrets,
    now: () => new Date('2027-01-01T00:00:00Z'),
  };
  return { memberships, payments, deps };
}

async function run(messages: readonly WebhookEventMessage[]) {
  const { memberships, payments, deps } = freshWorld();
  const writesPerEvent: number[] = [];
  const outcomes: EventOutcome[] = [];
  for (const message of messages) {
    const before = memberships.writes() + payments.writes();
    outcomes.push(await applyMembershipEvent(deps, message));
    writesPerEvent.push(memberships.writes() + payments.writes() - before);
  }
  return { record: memberships.records.get('sub_1'), links: payments.links, writesPerEvent, outcomes };
}

/** What a reader sees: everything but the bookkeeping that depends on arrival order. */
function visible(record: MembershipRecord | undefined) {
  if (!record) return undefined;
  const {
    appliedEventIds: _ids,
    version: _version,
    updatedAt: _updated,
    subscriptionSource: _subscription,
    invoiceSource: _invoice,
    ...rest
  } = record;
  return rest;
}

describe('membership events, applied at most once and in any order', () => {
  it('in Stripe’s order: canceled after a failed and retried renewal, both invoices linked as payments', async () => {
    const { record, links, outcomes } = await run(lifecycle);
    expect(visible(record)).toMatchObject({
      status: 'canceled',
      clientId: 'cl_1',
      planId: 'pl_1',
      cancelAtPeriodEnd: true,
      currentPeriodStart: new Date(renewedAt * 1000).toISOString(),
      latestInvoice: {
        invoiceId: 'in_2',
        status: 'paid',
        amountPaid: 4500,
        paymentId: 'pi_2',
        failure: null,
      },
    });
    expect(Object.fromEntries(links)).toEqual({
      pi_1: { membershipId: 'sub_1', invoiceId: 'in_1', clientId: 'cl_1' },
      pi_2: { membershipId: 'sub_1', invoiceId: 'in_2', clientId: 'cl_1' },
    });
    expect(outcomes).not.toContain('duplicate');
  });

  it('every order and repetition ends in the same record and the same payment links, at ≤ 2 writes per event', async () => {
    const expected = await run(lifecycle);
    await fc.assert(
      fc.asyncProperty(
        fc.shuffledSubarray([...lifecycle], { minLength: lifecycle.length }),
        fc.array(fc.nat({ max: lifecycle.length - 1 }), { maxLength: 8 }),
        async (shuffled, repeats) => {
          const delivered = [...shuffled, ...repeats.map((index) => lifecycle[index] as WebhookEventMessage)];
          const result = await run(delivered);
          expect(visible(result.record)).toEqual(visible(expected.record));
          expect(Object.fromEntries(result.links)).toEqual(Object.fromEntries(expected.links));
          expect(Math.max(...result.writesPerEvent)).toBeLessThanOrEqual(2);
          // A repeated delivery never writes.
          const repeatedWrites = result.writesPerEvent.slice(shuffled.length);
          expect(repeatedWrites.every((writes) => writes === 0)).toBe(true);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('ignores a subscription of another clinic on the same Stripe account', async () => {
    const foreign = event('evt_x', 'customer.subscription.created', t0, {
      ...subscription('active', t0),
      metadata: { clinic_id: 'clinic_2', client_id: 'cl_9' },
    });
    const { record, outcomes } = await run([foreign]);
    expect(outcomes).toEqual(['ignored']);
    expect(record).toBeUndefined();
  });
});

/** The deliveries cut into SQS batches of the given sizes and handed to the memberships worker kit, with grouping. */
async function runBatched(messages: readonly WebhookEventMessage[], sizes: readonly number[]) {
  const { memberships, payments, deps } = freshWorld();
  const worker = queueWorker({
    queue: 'memberships',
    observability: createObservability('membershipsWorker', { logLevel: 'SILENT' }),
    ledger: {
      record: async () => {},
      has: async () => ({ settled: false, receivedAt: null }),
      list: async () => ({ data: [], nextCursor: null }),
    },
    applyEvent: (message) => applyMembershipEvent(deps, message),
    grouping: {
      groupOf: membershipGroupOf,
      orderOf: membershipEventOrder,
      applyGroup: (group) => applyMembershipGroup(deps, group),
    },
  });
  const membershipWritesPerBatch: { writes: number; alone: number }[] = [];
  let start = 0;
  for (let b = 0; start < messages.length; b++) {
    const batch = messages.slice(start, start + (sizes[b % sizes.length] ?? 10));
    start += batch.length;
    const before = memberships.writes();
    const response = await worker(sqsEventOf(batch, 'memberships'), {} as Context);
    expect(response.batchItemFailures).toEqual([]);
    membershipWritesPerBatch.push({
      writes: memberships.writes() - before,
      alone: batch.filter((message) => membershipGroupOf(message) === undefined).length,
    });
  }
  return { record: memberships.records.get('sub_1'), links: payments.links, membershipWritesPerBatch };
}

describe('membership events grouped per batch', () => {
  it('every order, repetition and batching ends in the same record and links, one membership write per batch', async () => {
    const expected = await run(lifecycle);
    await fc.assert(
      fc.asyncProperty(
        fc.shuffledSubarray([...lifecycle], { minLength: lifecycle.length }),
        fc.array(fc.nat({ max: lifecycle.length - 1 }), { maxLength: 8 }),
        fc.array(fc.integer({ min: 1, max: 10 }), { minLength: 1, maxLength: 4 }),
        async (shuffled, repeats, sizes) => {
          const delivered = [...shuffled, ...repeats.map((index) => lifecycle[index] as WebhookEventMessage)];
          const result = await runBatched(delivered, sizes);
          expect(visible(result.record)).toEqual(visible(expected.record));
          expect(Object.fromEntries(result.links)).toEqual(Object.fromEntries(expected.links));
          // One write for the batch's group of the membership, and at most one more per event applied alone.
          for (const { writes, alone } of result.membershipWritesPerBatch) {
            expect(writes).toBeLessThanOrEqual(1 + alone);
          }
        },
      ),
      { numRuns: 150 },
    );
  });
});
