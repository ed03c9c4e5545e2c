import {
  awsQueue,
  awsSecretClients,
  awsTableClients,
  lambdaBaseClients,
  lazyStripeClient,
} from '@basis/shared';
import { buildEventSweeper } from '../build.ts';

const base = lambdaBaseClients('eventSweeper');
export const handler = buildEventSweeper({
  ...base,
  table: awsTableClients(base),
  secrets: awsSecretClients(base),
  queue: awsQueue(base),
  stripe: lazyStripeClient('eventSweeper'),
});
