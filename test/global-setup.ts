import type { TestProject } from 'vitest/node';
import { startDynamoDbLocal } from '../local/src/dynamodb-local.ts';
import { startSqsLocal } from '../local/src/sqs-local.ts';
import { startStripeSimulator } from '../stripe-sim/src/server.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    dynamoEndpoint: string;
    sqsEndpoint: string;
    stripeApiUrl: string;
  }
}

/**
 * Starts the emulators and the Stripe simulator once per test run, on loopback ports chosen at runtime, and stops them after.
 * Each test file makes its own tables and queues (random name prefix), so files never see each other's data.
 */
export default async function setup(project: TestProject) {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  const [dynamo, sqs, stripe] = await Promise.all([
    startDynamoDbLocal(),
    startSqsLocal(),
    startStripeSimulator({ port: 0, webhookRetryDelaysMs: [100, 300, 1000] }),
  ]);
  project.provide('dynamoEndpoint', dynamo.endpoint);
  project.provide('sqsEndpoint', sqs.endpoint);
  project.provide('stripeApiUrl', stripe.url);
  return async () => {
    await Promise.all([dynamo.stop(), sqs.stop(), stripe.close()]);
  };
}
