import {
  awsPublicBaseUrl,
  awsSecretClients,
  awsTableClients,
  createStripeClient,
  lambdaBaseClients,
} from '@basis/shared';
import { buildConnectApi } from '../build.ts';

const base = lambdaBaseClients('connectApi');
export const handler = buildConnectApi({
  ...base,
  table: awsTableClients(base),
  secrets: awsSecretClients(base),
  publicBaseUrl: awsPublicBaseUrl(base),
  stripe: createStripeClient('connectApi'),
});
