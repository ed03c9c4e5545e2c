import { awsClients, createStripeClient } from '@basis/shared';
import { buildConnectApi } from '../build.ts';

export const handler = buildConnectApi({
  ...awsClients('connectApi'),
  stripe: createStripeClient('connectApi'),
});
