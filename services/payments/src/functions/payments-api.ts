import { awsSecretClients, awsTableClients, lambdaBaseClients, lazyStripeClient } from '@basis/shared';
import { buildPaymentsApi } from '../build.ts';

const base = lambdaBaseClients('paymentsApi');
export const handler = buildPaymentsApi({
  ...base,
  table: awsTableClients(base),
  secrets: awsSecretClients(base),
  stripe: lazyStripeClient('paymentsApi'),
});
