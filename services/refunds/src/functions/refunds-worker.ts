import { awsClients, createStripeClient } from '@basis/shared';
import { buildRefundsWorker } from '../build.ts';

export const handler = buildRefundsWorker({
  ...awsClients('refundsWorker'),
  stripe: createStripeClient('refundsWorker'),
});
