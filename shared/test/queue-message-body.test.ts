import {
  CreateQueueCommand,
  DeleteQueueCommand,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { localAwsConfig } from '../../local/src/local-aws.ts';
import { encodeQueueMessageBody } from '../src/queue/queue-message-body.ts';
import { sqsEventQueue } from '../src/queue/sqs-event-queue.ts';

/** What SQS accepts in a body: #x9 | #xA | #xD | #x20–#xD7FF | #xE000–#xFFFD | #x10000–#x10FFFF. */
const acceptedByAws = /^(?:[\t\n\r\x20-\uD7FF\uE000-\uFFFD]|[\uD800-\uDBFF][\uDC00-\uDFFF])*$/;
/** What the local emulator accepts: the same without the characters past U+FFFF. */
const acceptedByEmulator = /^[\t\n\r\x20-\uD7FF\uE000-\uFFFD]*$/;

describe('queue message bodies', () => {
  it('parse back to the same JSON whatever the characters, and hold only what every SQS accepts', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 3 }), fc.string({ unit: 'binary' }), (value, text) => {
        const message = { value, text, fixed: 'Massage \uFFFF 💆 \uFFFE \u0000 \uD800 é' };
        const body = encodeQueueMessageBody(message);
        expect(body).toMatch(acceptedByAws);
        expect(body).toMatch(acceptedByEmulator);
        expect(JSON.parse(body)).toEqual(JSON.parse(JSON.stringify(message)));
      }),
      { numRuns: 500 },
    );
  });

  describe('through the local SQS emulator', () => {
    const sqs = new SQSClient(localAwsConfig(inject('sqsEndpoint')));
    let queueUrl: string;
    beforeAll(async () => {
      const created = await sqs.send(
        new CreateQueueCommand({ QueueName: `body-${Math.random().toString(36).slice(2, 10)}` }),
      );
      queueUrl = created.QueueUrl ?? '';
    });
    afterAll(async () => {
      await sqs.send(new DeleteQueueCommand({ QueueUrl: queueUrl }));
      sqs.destroy();
    });

    it('delivers a Dashboard description with U+FFFF and an emoji, and it reads back the same', async () => {
      const queue = sqsEventQueue(sqs, { payments: queueUrl });
      const message = {
        kind: 'basis.test_message' as const,
        clinicId: 'clinic_1',
        mode: 'test' as const,
        description: 'Massage \uFFFF 60 min 💆',
      };
      await queue.send('payments', message);
      const received = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, WaitTimeSeconds: 1 }));
      expect(JSON.parse(received.Messages?.[0]?.Body ?? '')).toEqual(message);
    });
  });
});
