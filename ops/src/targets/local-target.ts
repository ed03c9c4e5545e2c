import { SQSClient } from '@aws-sdk/client-sqs';
import {
  fileSecretStore,
  localAwsConfig,
  moveDeadLetters,
  oldestAgesFromFauxqs,
  readLocalEndpoints,
} from '@basis/local';
import { createStripeClient, envNames, type QueueName, sqsEventQueue } from '@basis/shared';
import { buildEventReplayer } from '@basis/webhook-ingest';
import type { OpsTarget, QueueAddress } from './ops-target.ts';

/**
 * The `npm start` stack, found through the endpoints file it writes into its data folder. Secrets come from its
 * file secret store, Stripe is its simulator.
 */
export async function localTarget(dataDir: string): Promise<OpsTarget> {
  const endpoints = await readLocalEndpoints(dataDir);
  const sqs = new SQSClient(localAwsConfig(endpoints.sqsEndpoint));
  const queues = endpoints.queues as Record<QueueName, QueueAddress>;
  const replayer = buildEventReplayer({
    secrets: fileSecretStore(endpoints.secretsDir),
    queue: sqsEventQueue(
      sqs,
      Object.fromEntries(Object.entries(queues).map(([name, queue]) => [name, queue.url])),
    ),
    stripe: createStripeClient('eventSweeper', { [envNames.stripeApiUrl]: endpoints.stripeApiUrl }),
    now: () => new Date(),
  });
  return {
    description: `local stack (${endpoints.apiUrl})`,
    sqs,
    queues,
    replayer,
    oldestAgeSeconds: (urls) => oldestAgesFromFauxqs(endpoints.sqsEndpoint, urls),
    redrive: (queue, onProgress) => moveDeadLetters(sqs, queues[queue], onProgress),
    close: () => sqs.destroy(),
  };
}
