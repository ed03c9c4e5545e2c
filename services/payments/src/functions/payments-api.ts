import { awsClients, createStripeClient } from '@basis/shared';
import { buildPaymentsApi } from '../build.ts';

export const handler = buildPaymentsApi({
  ...awsClients('paymentsApi'),
  stripe: createStripeClient('paymentsApi'),
});
