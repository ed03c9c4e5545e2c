/**
 * @basis/local: the whole system on one machine (emulators, a local API Gateway, queue pollers) behind `npm start`
 * and the tests. Production code never imports it.
 */

export { fileSecretStore } from './file-secret-store.ts';
export { localAwsConfig } from './local-aws.ts';
export { localDataDir } from './local-data.ts';
export {
  type LocalEndpoints,
  localEndpointsFile,
  localEndpointsSchema,
  readLocalEndpoints,
} from './local-endpoints.ts';
export { type LocalStack, type LocalStackOptions, startLocalStack } from './local-stack.ts';
export {
  moveDeadLetters,
  oldestAgesFromFauxqs,
  type QueueAddresses,
  type QueueStatus,
  type QueueStatusSource,
  queueStatuses,
} from './queue-ops.ts';
