import { awsSecretClients, awsTableClients, lambdaBaseClients, lazyStripeClient } from '@basis/shared';
import { buildMembershipsApi } from '../build.ts';

const base = lambdaBaseClients('membershipsApi');
export const handler = buildMembershipsApi({
  ...base,
  table: awsTableClients(base),
  secrets: awsSecretClients(base),
  stripe: lazyStripeClient('membershipsApi'),
});
