import { awsSecretClients, awsTableClients, lambdaBaseClients, lazyStripeClient } from '@basis/shared';
import { buildMembershipsWorker } from '../build.ts';

const base = lambdaBaseClients('membershipsWorker');
export const handler = buildMembershipsWorker({
  ...base,
  table: awsTableClients(base),
  secrets: awsSecretClients(base),
  stripe: lazyStripeClient('membershipsWorker'),
});
