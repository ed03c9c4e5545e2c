import { awsClients, createStripeClient } from '@basis/shared';
import { buildPaymentsWorker } from '../build.ts';

export const handler = buildPaymentsWorker({
  ...awsClients('paymentsWorker'),
  stripe: createStripeClient('paymentsWorker'),
});
