import type { FunctionName } from '@basis/shared';
import { Duration } from 'aws-cdk-lib';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { queueEntries } from '../config/topology-entries.ts';
import type { BasisFunction } from '../functions/basis-function.ts';
import type { StatefulResources } from '../stateful/stateful-resources.ts';

/** AWS's advice for SQS event sources: the visibility timeout is at least six times the function timeout. */
const visibilityTimeoutFactor = 6;

/**
 * Connects each queue to its `consumer` with an event-source mapping: batch size and batching window from
 * the topology, partial batch responses so that a failed record is retried alone.
 */
export function subscribeWorkers(
  functions: Readonly<Record<FunctionName, BasisFunction>>,
  queues: StatefulResources['queues'],
): void {
  for (const [queueName, definition] of queueEntries()) {
    const consumer = functions[definition.consumer];
    const minimumVisibility = visibilityTimeoutFactor * consumer.definition.timeoutSeconds;
    if (definition.visibilityTimeoutSeconds < minimumVisibility) {
      throw new Error(
        `queue ${queueName}: visibilityTimeoutSeconds ${definition.visibilityTimeoutSeconds} is below ` +
          `${visibilityTimeoutFactor} × the timeout of ${definition.consumer} (${minimumVisibility} s)`,
      );
    }
    consumer.addEventSource(
      new SqsEventSource(queues[queueName].queue, {
        batchSize: definition.batchSize,
        maxBatchingWindow: Duration.seconds(definition.maxBatchingWindowSeconds),
        reportBatchItemFailures: true,
      }),
    );
  }
}
