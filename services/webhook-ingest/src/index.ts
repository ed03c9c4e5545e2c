/**
 * @basis/webhook-ingest: verifies Stripe's webhooks and routes them to the worker queues; the missed-event sweep;
 * the liveness probe.
 */
export {
  buildEventReplayer,
  buildEventSweeper,
  buildHealth,
  buildWebhookIngest,
  type EventReplayerClients,
  type SweeperOptions,
} from './build.ts';
export { verifyStripeSignature } from './domain/stripe-signature.ts';
export { ingestContracts } from './ingest-contract.ts';
export type { ReplayedEvent, ReplayProgress } from './use-cases/replay-events.ts';
export type { SweepResult } from './use-cases/sweep-missed-events.ts';
