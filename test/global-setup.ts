import type { TestProject } from 'vitest/node';
import { startDynamoDbLocal } from '../local/src/dynamodb-local.ts';
import { startSqsLocal } from '../local/src/sqs-local.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    dynamoEndpoint: string;
    sqsEndpoint: string;
  }
}

/**
 * Starts the emulators once per test run, on loopback ports chosen at runtime, and stops them after.
 * Each test file makes its own tables and queues (random name prefix), so files never see each other's data.
 */
export default async function setup(project: TestProject) {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  const [dynamo, sqs] = await Promise.all([startDynamoDbLocal(), startSqsLocal()]);
  project.provide('dynamoEndpoint', dynamo.endpoint);
  project.provide('sqsEndpoint', sqs.endpoint);
  return async () => {
    await Promise.all([dynamo.stop(), sqs.stop()]);
  };
}
