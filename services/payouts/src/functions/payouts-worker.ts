import {
  awsQueue,
  awsSecretClients,
  awsTableClients,
  lambdaBaseClients,
  lazyStripeClient,
} from '@basis/shared';
import { buildPayoutsWorker } from '../build.ts';

const base = lambdaBaseClients('payoutsWorker');
export const handler = buildPayoutsWorker({
  ...base,
  table: awsTableClients(base),
  secrets: awsSecretClients(base),
  queue: awsQueue(base),
  stripe: lazyStripeClient('payoutsWorker'),
});
