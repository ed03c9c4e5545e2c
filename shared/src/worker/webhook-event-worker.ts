import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type { Logger } from '../adapters/logger.ts';
import { type WebhookEventMessage, webhookEventMessageSchema } from '../contracts/queue-message.ts';

export type EventOutcome = 'applied' | 'duplicate' | 'stale' | 'ignored';

export type SqsWorker = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>;

/**
 * An SQS consumer with partial-batch responses: each record is parsed against the queue contract and handed to
 * `apply`; a record that throws is reported alone in `batchItemFailures`, retried by SQS, and after
 * `maxReceiveCount` lands in the DLQ. Only an outcome that `apply` returns acknowledges a message.
 */
export function createWebhookEventWorker(
  logger: Logger,
  apply: (message: WebhookEventMessage) => Promise<EventOutcome>,
): SqsWorker {
  const processor = new BatchProcessor(EventType.SQS);
  const handleRecord = async (record: SQSRecord) => {
    const message = webhookEventMessageSchema.parse(JSON.parse(record.body));
    const context = {
      clinicId: message.clinicId,
      mode: message.mode,
      eventId: message.event.id,
      type: message.event.type,
      messageId: record.messageId,
      receiveCount: record.attributes.ApproximateReceiveCount,
    };
    try {
      const outcome = await apply(message);
      logger.info('event processed', { ...context, outcome });
    } catch (error) {
      logger.error('event failed', { ...context, error });
      throw error;
    }
  };
  return (event, context) =>
    processPartialResponse(event, handleRecord, processor, { context, throwOnFullBatchFailure: false });
}
