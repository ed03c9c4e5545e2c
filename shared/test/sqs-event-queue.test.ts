import { CreateQueueCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { localAwsConfig } from '../../local/src/local-aws.ts';
import { sqsEventQueue, type WebhookEventMessage } from '../src/index.ts';

let sqs: SQSClient;
let queueUrl: string;

beforeAll(async () => {
  sqs = new SQSClient(localAwsConfig(inject('sqsEndpoint')));
  const created = await sqs.send(
    new CreateQueueCommand({ QueueName: `q${Math.random().toString(36).slice(2, 10)}-payments` }),
  );
  queueUrl = created.QueueUrl ?? '';
});
afterAll(() => sqs?.destroy());

/** A verified event whose strings hold what Stripe accepts and SQS does not take raw in a message body. */
function eventWith(text: string): WebhookEventMessage {
  return {
    kind: 'stripe.webhook_event',
    clinicId: 'clinic_1',
    mode: 'test',
    receivedAt: '2026-11-29T12:00:00.000Z',
    event: {
      id: 'evt_unicode',
      object: 'event',
      type: 'payment_intent.succeeded',
      created: 1_795_000_000,
      livemode: false,
      data: { object: { id: 'pi_1', object: 'payment_intent', description: text, metadata: { note: text } } },
    },
  } as unknown as WebhookEventMessage;
}

describe('sending a verified event to its queue', () => {
  it('enqueues strings with characters SQS refuses raw (U+FFFE, U+FFFF, astral emoji) and the worker reads them unchanged', async () => {
    // SQS takes only #x9 | #xA | #xD | #x20–#xD7FF | #xE000–#xFFFD | #x10000–#x10FFFF in a body (the emulator not
    // even the last range); Stripe takes any of them in a description or metadata, so a signed event can carry them.
    const text = 'a\ufffeb\uffffc 💳 \u202e \ud800 \u0000 é';
    const message = eventWith(text);
    await sqsEventQueue(sqs, { payments: queueUrl }).send('payments', message);
    const received = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, WaitTimeSeconds: 1 }));
    const body = received.Messages?.[0]?.Body ?? '';
    expect(JSON.parse(body)).toEqual(message);
  });
});
