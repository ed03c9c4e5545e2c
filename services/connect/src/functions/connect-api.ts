import {
  awsPublicBaseUrl,
  awsSecretClients,
  awsTableClients,
  lambdaBaseClients,
  lazyStripeClient,
} from '@basis/shared';
import { buildConnectApi } from '../build.ts';

const base = lambdaBaseClients('connectApi');
export const handler = buildConnectApi({
  ...base,
  table: awsTableClients(base),
  secrets: awsSecretClients(base),
  publicBaseUrl: awsPublicBaseUrl(base),
  stripe: lazyStripeClient('connectApi'),
});
