import { awsSecretClients, awsTableClients, lambdaBaseClients, lazyStripeClient } from '@basis/shared';
import { buildRefundsWorker } from '../build.ts';

const base = lambdaBaseClients('refundsWorker');
export const handler = buildRefundsWorker({
  ...base,
  table: awsTableClients(base),
  secrets: awsSecretClients(base),
  stripe: lazyStripeClient('refundsWorker'),
});
