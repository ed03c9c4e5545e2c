import { awsClients, createStripeClient } from '@basis/shared';
import { buildPayoutsWorker } from '../build.ts';

export const handler = buildPayoutsWorker({
  ...awsClients('payoutsWorker'),
  stripe: createStripeClient('payoutsWorker'),
});
