/**
 * @basis/local: the whole system on one machine (emulators, a local API Gateway, queue pollers) behind `npm start`
 * and the tests. Production code never imports it.
 */
export { type LocalStack, type LocalStackOptions, startLocalStack } from './local-stack.ts';
