import { awsSecretClients, awsTableClients, createStripeClient, lambdaBaseClients } from '@basis/shared';
import { buildPaymentsApi } from '../build.ts';

const base = lambdaBaseClients('paymentsApi');
export const handler = buildPaymentsApi({
  ...base,
  table: awsTableClients(base),
  secrets: awsSecretClients(base),
  stripe: createStripeClient('paymentsApi'),
});
