import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Context, SQSEvent } from 'aws-lambda';
import type Stripe from 'stripe';
import { type CapacityTotals, meterConsumedCapacity } from './support/consumed-capacity.ts';
import { seededRandom } from './support/seeded-random.ts';
import { simulator } from './support/simulator.ts';
import {
  createTable,
  type Emulators,
  fixtureBytes,
  fixtureEvent,
  localAwsConfig,
  membershipsEventType,
  membershipsWorker,
  paymentsWorker,
  type WebhookEventMessage,
} from './support/system.ts';

const types = ['payment_intent.processing', 'payment_intent.succeeded'] as const;

/** Each payment's events, in the order Stripe sends them: `processing`, then `succeeded` a second later. */
function paymentStories(payments: number): WebhookEventMessage[][] {
  const out: WebhookEventMessage[][] = [];
  for (let p = 0; p < payments; p++) {
    out.push(
      types.map((type, step) => {
        const base = fixtureEvent(type);
        const object = (base.data as { object: Record<string, unknown> }).object;
        return {
          kind: 'stripe.webhook_event',
          clinicId: 'clinic_bench',
          mode: 'test',
          receivedAt: new Date().toISOString(),
          event: {
            ...base,
            id: `evt_bench_${p}_${step}`,
            created: 1785405600 + step,
            data: { object: { ...object, id: `pi_bench_${p}`, metadata: { booking_id: `bk_${p}` } } },
          } as unknown as WebhookEventMessage['event'],
        };
      }),
    );
  }
  return out;
}

/**
 * A card payment at booking as the payments worker meets it: the booking API has recorded the PaymentIntent
 * (`requires_payment_method`; played here by an unmetered seed pass), then Stripe sends the two events the managed
 * endpoint subscribes to for a paid card: `payment_intent.succeeded` (its `latest_charge` names the charge) and
 * `charge.succeeded` (Stripe's charge fixture, composed into an event envelope; nothing left to change).
 */
function cardPaymentStories(payments: number) {
  const charge = JSON.parse(fixtureBytes('charge.json').toString('utf8')) as Record<string, unknown>;
  const seed: WebhookEventMessage[] = [];
  const stories: WebhookEventMessage[][] = [];
  const message = (event: Record<string, unknown>): WebhookEventMessage => ({
    kind: 'stripe.webhook_event',
    clinicId: 'clinic_bench',
    mode: 'test',
    receivedAt: new Date().toISOString(),
    event: event as unknown as WebhookEventMessage['event'],
  });
  for (let p = 0; p < payments; p++) {
    const succeeded = fixtureEvent('payment_intent.succeeded');
    const intent = (succeeded.data as { object: Record<string, unknown> }).object;
    const paymentIntent = {
      ...intent,
      id: `pi_card_${p}`,
      latest_charge: `ch_card_${p}`,
      metadata: { booking_id: `bk_card_${p}` },
    };
    seed.push(
      message({
        ...succeeded,
        id: `evt_card_${p}_seed`,
        type: 'payment_intent.created',
        created: 1785405600,
        data: { object: { ...paymentIntent, status: 'requires_payment_method', latest_charge: null } },
      }),
    );
    stories.push([
      message({ ...succeeded, id: `evt_card_${p}_pi`, created: 1785405660, data: { object: paymentIntent } }),
      message({
        ...succeeded,
        id: `evt_card_${p}_ch`,
        type: 'charge.succeeded',
        created: 1785405660,
        data: {
          object: { ...charge, id: `ch_card_${p}`, payment_intent: `pi_card_${p}`, status: 'succeeded' },
        },
      }),
    ]);
  }
  return { seed: batches(seed, 10), stories };
}

function batches(items: readonly WebhookEventMessage[], size: number): SQSEvent[] {
  const out: SQSEvent[] = [];
  for (let i = 0; i < items.length; i += size) {
    out.push({
      Records: items.slice(i, i + size).map((message, index) => ({
        messageId: `m-${i + index}`,
        receiptHandle: `r-${i + index}`,
        body: JSON.stringify(message),
        attributes: {
          ApproximateReceiveCount: '1',
          SentTimestamp: '0',
          SenderId: 'bench',
          ApproximateFirstReceiveTimestamp: '0',
        },
        messageAttributes: {},
        md5OfBody: '',
        eventSource: 'aws:sqs',
        eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:bench',
        awsRegion: 'us-east-1',
      })),
    });
  }
  return out;
}

/**
 * The two shapes a batch stream can take, as batches of at most 10. `separate`: step k of every object, then step
 * k+1, never two steps in one batch, so no two events of one object meet in a batch. `grouped`: each object's events
 * side by side (shuffled among themselves), so a batch holds several events of one object.
 */
function shapes(stories: readonly (readonly WebhookEventMessage[])[]) {
  const longest = Math.max(...stories.map((story) => story.length));
  const separate: SQSEvent[] = [];
  for (let step = 0; step < longest; step++) {
    const stepEvents = stories.flatMap((story) => story.slice(step, step + 1));
    separate.push(...batches(stepEvents, 10));
  }
  const random = seededRandom(12);
  const grouped = stories.flatMap((story) =>
    [...story]
      .map((message) => ({ message, key: random() }))
      .sort((a, b) => a.key - b.key)
      .map(({ message }) => message),
  );
  return { separate, grouped: batches(grouped, 10) };
}

/** DynamoDB's figures for one pass, per event of the pass. */
export interface PassFigures {
  wruPerEvent: number;
  rruPerEvent: number;
  /** Requests per event, by command name (`PutItemCommand`, …). */
  requestsPerEvent: Record<string, number>;
  /** Conditional writes that lost a race (DynamoDB reports no capacity for them). */
  conditionFailures: number;
  /** WRU per event by the kind of item written (`ledger`, `PAYMENT`, `MEMBERSHIP`, …). */
  wruByKind: Record<string, number>;
}

/** One shape's figures: every event applied once, then the same batches again (every event a duplicate). */
export interface ShapeFigures {
  events: number;
  applied: PassFigures;
  duplicate: PassFigures;
}

function figuresOf(totals: CapacityTotals, events: number): PassFigures {
  return {
    wruPerEvent: totals.wru / events,
    rruPerEvent: totals.rru / events,
    requestsPerEvent: Object.fromEntries(
      Object.entries(totals.requests).map(([name, count]) => [name, count / events]),
    ),
    conditionFailures: totals.conditionFailures,
    wruByKind: Object.fromEntries(
      Object.entries(totals.wruByKind).map(([kind, units]) => [kind, units / events]),
    ),
  };
}

type Worker = (event: SQSEvent, context: Context) => Promise<{ batchItemFailures: unknown[] }>;

/** Runs the batches through `worker` twice (applied, then duplicates), metering DynamoDB. */
async function measureShape(
  dynamo: DynamoDBClient,
  worker: Worker,
  items: readonly SQSEvent[],
  seed: readonly SQSEvent[] = [],
): Promise<ShapeFigures> {
  for (const batch of seed) await worker(batch, {} as Context);
  const meter = meterConsumedCapacity(dynamo);
  const run = async () => {
    meter.reset();
    for (const batch of items) {
      const response = await worker(batch, {} as Context);
      if (response.batchItemFailures.length > 0) throw new Error('bench: a record failed');
    }
    return meter.totals();
  };
  const applied = await run();
  const duplicate = await run();
  const events = items.reduce((sum, batch) => sum + batch.Records.length, 0);
  return { events, applied: figuresOf(applied, events), duplicate: figuresOf(duplicate, events) };
}

/** A fresh table on DynamoDB Local and a client to meter, for one shape. */
async function withTable<T>(
  emulators: Emulators,
  use: (dynamo: DynamoDBClient, tableName: string) => Promise<T>,
) {
  const dynamo = new DynamoDBClient(localAwsConfig(emulators.dynamoEndpoint));
  const tableName = `bench-writes-${Math.random().toString(36).slice(2, 10)}`;
  try {
    await createTable(dynamo, tableName);
    return await use(dynamo, tableName);
  } finally {
    dynamo.destroy();
  }
}

/** Reads every event of the account, oldest first (the list is newest first). */
async function allEvents(stripe: Stripe, as: { apiKey: string }): Promise<Stripe.Event[]> {
  const events: Stripe.Event[] = [];
  for (let startingAfter: string | undefined; ; ) {
    const page = await stripe.events.list(
      { limit: 100, ...(startingAfter ? { starting_after: startingAfter } : {}) },
      as,
    );
    events.push(...page.data);
    if (!page.has_more) return events.reverse();
    startingAfter = page.data.at(-1)?.id;
  }
}

/**
 * Memberships made on the simulator as Stripe Billing makes them: a monthly Price, and per membership a customer on
 * one Test Clock with `pm_card_visa`, a Subscription paid at once, then the clock moved past the first period end (a
 * renewal paid off-session). Answers each membership's events the memberships worker receives, in Stripe's order.
 */
async function membershipStories(stripeApiUrl: string, secretKey: string, clinicId: string, count: number) {
  const sim = simulator(stripeApiUrl);
  const as = { apiKey: secretKey };
  const { now } = (await sim.call('GET', '/_sim/clock', secretKey)) as { now: number };
  const clock = await sim.stripe.testHelpers.testClocks.create({ frozen_time: now }, as);
  const product = await sim.stripe.products.create({ name: 'plan_bench' }, as);
  const price = await sim.stripe.prices.create(
    { product: product.id, unit_amount: 4500, currency: 'usd', recurring: { interval: 'month' } },
    as,
  );
  for (let m = 0; m < count; m++) {
    const customer = await sim.stripe.customers.create({ test_clock: clock.id }, as);
    const card = await sim.stripe.paymentMethods.attach('pm_card_visa', { customer: customer.id }, as);
    const subscription = await sim.stripe.subscriptions.create(
      {
        customer: customer.id,
        items: [{ price: price.id }],
        default_payment_method: card.id,
        metadata: { clinic_id: clinicId, client_id: `cl_bench_${m}`, plan_id: 'pl_bench' },
      },
      as,
    );
    if (subscription.status !== 'active') throw new Error(`bench: subscription ${subscription.status}`);
  }
  await sim.stripe.testHelpers.testClocks.advance(clock.id, { frozen_time: now + 33 * 86_400 }, as);
  for (let attempt = 0; ; attempt++) {
    const state = await sim.stripe.testHelpers.testClocks.retrieve(clock.id, {}, as);
    if (state.status === 'ready') break;
    if (attempt > 200) throw new Error('bench: the test clock did not settle');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return storiesOf(await allEvents(sim.stripe, as), clinicId);
}

/** The memberships worker's events by Subscription (an InvoicePayment under its invoice's), each in Stripe's order. */
function storiesOf(events: readonly Stripe.Event[], clinicId: string): WebhookEventMessage[][] {
  const subscriptionOfInvoice = new Map<string, string>();
  const stories = new Map<string, WebhookEventMessage[]>();
  for (const event of events) {
    if (!membershipsEventType(event.type)) continue;
    const object = event.data.object as unknown as Record<string, unknown>;
    let subscriptionId: string | undefined;
    if (event.type.startsWith('customer.subscription.')) subscriptionId = object.id as string;
    else if (event.type.startsWith('invoice.')) {
      const parent = object.parent as { subscription_details?: { subscription?: string } } | null;
      subscriptionId = parent?.subscription_details?.subscription;
      if (subscriptionId) subscriptionOfInvoice.set(object.id as string, subscriptionId);
    } else subscriptionId = subscriptionOfInvoice.get(object.invoice as string);
    if (!subscriptionId) continue;
    const story = stories.get(subscriptionId) ?? [];
    story.push({
      kind: 'stripe.webhook_event',
      clinicId,
      mode: 'test',
      receivedAt: new Date().toISOString(),
      event: event as unknown as WebhookEventMessage['event'],
    });
    stories.set(subscriptionId, story);
  }
  return [...stories.values()];
}

/**
 * The payments and memberships workers as wired for Lambda over SQS-shaped batches of 10 against DynamoDB Local,
 * each in two shapes (an object's events in separate batches, and side by side in the same batch), metering the
 * write/read request units DynamoDB reports (ConsumedCapacity, TOTAL: table and index) per applied and per duplicate
 * event, and the conditional writes that lost a race.
 */
export async function benchWorkerWrites(emulators: Emulators, payments: number, memberships: number) {
  const paymentShapes = shapes(paymentStories(payments));
  const paymentsSeparate = await withTable(emulators, (dynamo, tableName) =>
    measureShape(dynamo, paymentsWorker(dynamo, tableName), paymentShapes.separate),
  );
  const paymentsGrouped = await withTable(emulators, (dynamo, tableName) =>
    measureShape(dynamo, paymentsWorker(dynamo, tableName), paymentShapes.grouped),
  );
  const card = cardPaymentStories(payments);
  const cardShapes = shapes(card.stories);
  const cardSeparate = await withTable(emulators, (dynamo, tableName) =>
    measureShape(dynamo, paymentsWorker(dynamo, tableName), cardShapes.separate, card.seed),
  );
  const cardGrouped = await withTable(emulators, (dynamo, tableName) =>
    measureShape(dynamo, paymentsWorker(dynamo, tableName), cardShapes.grouped, card.seed),
  );
  const clinicId = 'clinic_bench_memberships';
  const secretKey = `sk_test_benchmem${Math.random().toString(36).slice(2, 10)}`;
  const membershipShapes = shapes(
    await membershipStories(emulators.stripeApiUrl, secretKey, clinicId, memberships),
  );
  const workerOf = (dynamo: DynamoDBClient, tableName: string) =>
    membershipsWorker(dynamo, tableName, { clinicId, secretKey, stripeApiUrl: emulators.stripeApiUrl });
  const membershipsSeparate = await withTable(emulators, (dynamo, tableName) =>
    measureShape(dynamo, workerOf(dynamo, tableName), membershipShapes.separate),
  );
  const membershipsGrouped = await withTable(emulators, (dynamo, tableName) =>
    measureShape(dynamo, workerOf(dynamo, tableName), membershipShapes.grouped),
  );
  return {
    payments: { separate: paymentsSeparate, grouped: paymentsGrouped },
    cardPayments: { separate: cardSeparate, grouped: cardGrouped },
    memberships: { separate: membershipsSeparate, grouped: membershipsGrouped, count: memberships },
    /**
     * The cost model's input: per webhook event of a card payment at booking (every event Stripe sends, applied or
     * not), in the dearer shape (its two events in separate batches).
     */
    wruPerWebhookEvent: cardSeparate.applied.wruPerEvent,
    rruPerWebhookEvent: cardSeparate.applied.rruPerEvent,
  };
}
