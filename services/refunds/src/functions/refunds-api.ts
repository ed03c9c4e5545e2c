import { awsClients, createStripeClient } from '@basis/shared';
import { buildRefundsApi } from '../build.ts';

export const handler = buildRefundsApi({
  ...awsClients('refundsApi'),
  stripe: createStripeClient('refundsApi'),
});
