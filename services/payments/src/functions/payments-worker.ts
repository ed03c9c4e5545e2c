import { awsSecretClients, awsTableClients, lambdaBaseClients, lazyStripeClient } from '@basis/shared';
import { buildPaymentsWorker } from '../build.ts';

const base = lambdaBaseClients('paymentsWorker');
export const handler = buildPaymentsWorker({
  ...base,
  table: awsTableClients(base),
  secrets: awsSecretClients(base),
  stripe: lazyStripeClient('paymentsWorker'),
});
