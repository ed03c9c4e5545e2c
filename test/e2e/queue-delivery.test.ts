import { GetQueueAttributesCommand, ReceiveMessageCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { queues } from '@basis/shared';
import type { SQSRecord } from 'aws-lambda';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { LocalStack } from '../../local/src/local-stack.ts';
import { countDynamoRequests, type RequestCounter } from '../../local/src/request-counter.ts';
import type { SqsFunction } from '../../local/src/sqs-poller.ts';
import { dynamoPaymentStore } from '../../services/payments/src/adapters/dynamo-payment-store.ts';
import { fixtureEvent } from '../support/fixtures.ts';
import { stripeSignatureHeader } from '../support/stripe-signing.ts';
import { eventually, startTestStack, testModeSecrets } from '../support/test-stack.ts';

const clinicId = 'clinic_queue';
const webhookSecret = 'whsec_queue_made_up_secret';
let stack: LocalStack;
let writes: RequestCounter;
/** Every record each worker invocation was handed, in order. */
let invocations: SQSRecord[][];
/** Set by a test to intercept invocations, e.g. to crash after the worker ran. */
let intercept:
  | ((records: SQSRecord[], run: () => ReturnType<SqsFunction>) => ReturnType<SqsFunction>)
  | undefined;

beforeAll(async () => {
  stack = await startTestStack({
    queueOverrides: { visibilityTimeoutSeconds: 1 },
    wrapWorker: (_queue, worker) => async (event, context) => {
      invocations.push(event.Records);
      const run = () => worker(event, context);
      return intercept ? intercept(event.Records, run) : run();
    },
  });
  writes = countDynamoRequests(stack.dynamo);
  await stack.secrets.put({ clinicId, test: testModeSecrets(webhookSecret) });
});
afterAll(() => stack?.stop());
beforeEach(() => {
  invocations = [];
  intercept = undefined;
  writes.reset();
});

function paymentEvent(eventId: string, paymentId: string) {
  const event = fixtureEvent('payment_intent.succeeded');
  const data = event.data as { object: Record<string, unknown> };
  return {
    ...event,
    id: eventId,
    data: { object: { ...data.object, id: paymentId, metadata: { booking_id: 'bk_q' } } },
  };
}

async function postSigned(event: unknown) {
  const body = JSON.stringify(event);
  const response = await fetch(`${stack.apiUrl}/stripe_webhook_test/${clinicId}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'stripe-signature': stripeSignatureHeader(body, webhookSecret, Math.floor(Date.now() / 1000)),
    },
    body,
  });
  expect(response.status).toBe(200);
}

function payment(paymentId: string) {
  return dynamoPaymentStore(stack.doc, stack.tableName).get(clinicId, 'test', paymentId);
}

async function queueDepth(url: string): Promise<number> {
  const output = await stack.sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: url,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
    }),
  );
  return (
    Number(output.Attributes?.ApproximateNumberOfMessages ?? 0) +
    Number(output.Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0)
  );
}

describe('delivery through the real queue', () => {
  it('applies an event that Stripe delivers five times once', async () => {
    const event = paymentEvent('evt_five_times', 'pi_five_times');
    for (let i = 0; i < 5; i++) await postSigned(event);
    await eventually(async () => (invocations.flat().length >= 5 ? true : undefined));
    await stack.drained();
    // One write of the payment record. Copies that reach concurrent batches (the poller runs several per queue, as
    // Lambda does) may each try the first write; every try but one loses its condition and finds a duplicate.
    const puts = writes.counts().PutItemCommand ?? 0;
    expect(puts - (writes.refused().PutItemCommand ?? 0)).toBe(1);
    expect((await payment('pi_five_times'))?.version).toBe(1);
  });

  it('retries only the failing record of a batch, and moves it to the DLQ after maxReceiveCount', async () => {
    const queue = stack.queues.payments;
    const good = [paymentEvent('evt_good_1', 'pi_good_1'), paymentEvent('evt_good_2', 'pi_good_2')];
    // A poison message: valid JSON, but not the queue's contract. It can never succeed.
    await stack.sqs.send(
      new SendMessageCommand({ QueueUrl: queue.url, MessageBody: JSON.stringify({ kind: 'nonsense' }) }),
    );
    for (const event of good) await postSigned(event);

    const dead = await eventually(async () => {
      const output = await stack.sqs.send(
        new ReceiveMessageCommand({ QueueUrl: queue.dlqUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
      );
      return output.Messages?.length ? output.Messages : undefined;
    }, 30_000);
    expect(dead.map((message) => JSON.parse(message.Body ?? '{}'))).toEqual([{ kind: 'nonsense' }]);

    const seen = new Map<string, number>();
    for (const record of invocations.flat()) seen.set(record.body, (seen.get(record.body) ?? 0) + 1);
    expect(seen.get(JSON.stringify({ kind: 'nonsense' }))).toBe(queues.payments.maxReceiveCount);
    const goodDeliveries = [...seen.entries()].filter(([body]) => body.includes('evt_good_'));
    expect(goodDeliveries.map(([, count]) => count)).toEqual([1, 1]);
    expect((await payment('pi_good_1'))?.status).toBe('succeeded');
    expect((await payment('pi_good_2'))?.status).toBe('succeeded');
    expect(await queueDepth(queue.url)).toBe(0);
  });

  it('changes nothing when a message is redelivered after a crash between the write and the delete', async () => {
    let crashed = false;
    intercept = async (records, run) => {
      const result = await run();
      if (!crashed && records.some((record) => record.body.includes('evt_crash'))) {
        crashed = true;
        throw new Error('simulated crash after the DynamoDB write, before the delete');
      }
      return result;
    };
    await postSigned(paymentEvent('evt_crash', 'pi_crash'));
    await eventually(async () =>
      invocations.flat().filter((r) => r.body.includes('evt_crash')).length >= 2 ? true : undefined,
    );
    await stack.drained();
    expect(crashed).toBe(true);
    expect(writes.counts().PutItemCommand).toBe(1);
    const record = await payment('pi_crash');
    expect(record).toMatchObject({ status: 'succeeded', version: 1, appliedEventIds: ['evt_crash'] });
    expect(await queueDepth(stack.queues.payments.url)).toBe(0);
  });
});
