import { awsClients, createStripeClient } from '@basis/shared';
import { buildEventSweeper } from '../build.ts';

/** Invoked by an EventBridge schedule (topology: `eventSweeper.schedule`). */
export const handler = buildEventSweeper({
  ...awsClients('eventSweeper'),
  stripe: createStripeClient('eventSweeper'),
});
