import { awsClients, createStripeClient } from '@basis/shared';
import { buildMembershipsWorker } from '../build.ts';

export const handler = buildMembershipsWorker({
  ...awsClients('membershipsWorker'),
  stripe: createStripeClient(),
});
