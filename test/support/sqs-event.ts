import type { SQSEvent } from 'aws-lambda';

/**
 * One batch as Lambda's SQS event-source mapping hands it to a worker: record i has message id `m<i>` (what a
 * partial batch response names) and receipt handle `r<i>`, first delivery, from the named queue. Each body is sent
 * as JSON; a string is taken as the raw body, so a test can deliver one that does not parse.
 */
export function sqsEventOf(bodies: readonly unknown[], queue = 'payments'): SQSEvent {
  return {
    Records: bodies.map((body, index) => ({
      messageId: `m${index}`,
      receiptHandle: `r${index}`,
      body: typeof body === 'string' ? body : JSON.stringify(body),
      attributes: {
        ApproximateReceiveCount: '1',
        SentTimestamp: '0',
        SenderId: 'test',
        ApproximateFirstReceiveTimestamp: '0',
      },
      messageAttributes: {},
      md5OfBody: '',
      eventSource: 'aws:sqs',
      eventSourceARN: `arn:aws:sqs:us-east-1:000000000000:${queue}`,
      awsRegion: 'us-east-1',
    })),
  };
}
