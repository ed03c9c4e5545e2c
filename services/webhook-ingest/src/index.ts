/**
 * @basis/webhook-ingest: verifies Stripe's webhooks and routes them to the worker queues; the missed-event sweep;
 * the liveness probe.
 */
export { buildEventSweeper, buildHealth, buildWebhookIngest, type SweeperOptions } from './build.ts';
export { verifyStripeSignature } from './domain/stripe-signature.ts';
export { ingestContracts } from './ingest-contract.ts';
