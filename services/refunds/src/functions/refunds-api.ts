import {
  awsQueue,
  awsSecretClients,
  awsTableClients,
  lambdaBaseClients,
  lazyStripeClient,
} from '@basis/shared';
import { buildRefundsApi } from '../build.ts';

const base = lambdaBaseClients('refundsApi');
export const handler = buildRefundsApi({
  ...base,
  table: awsTableClients(base),
  secrets: awsSecretClients(base),
  queue: awsQueue(base),
  stripe: lazyStripeClient('refundsApi'),
});
