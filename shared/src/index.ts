/**
 * @basis/shared: the platform kit every context builds on (the topology, the vocabulary, queue contracts, the route
 * and worker kits, DynamoDB helpers, secrets, the Stripe client and its errors, config, observability). A module
 * that serves one context lives in that context, not here. Import from this index only: deep imports are refused.
 */
export * from './config/env-names.ts';
export * from './config/queue-urls.ts';
export * from './config/read-config.ts';
export * from './contracts/queue-message.ts';
export * from './contracts/stripe-event.ts';
export * from './dynamo/batch-get.ts';
export * from './dynamo/coalesced-get.ts';
export * from './dynamo/document-client.ts';
export * from './dynamo/document-client-options.ts';
export * from './dynamo/keys.ts';
export * from './dynamo/paged-query.ts';
export * from './dynamo/table-source.ts';
export * from './dynamo/versioned-put.ts';
export * from './errors/error-codes.ts';
export * from './errors/errors.ts';
export * from './http/authorize.ts';
export * from './http/http-event.ts';
export * from './http/ids.ts';
export * from './http/request-input.ts';
export * from './http/route-contract.ts';
export * from './http/route-kit.ts';
export * from './ledger/dynamo-event-ledger.ts';
export * from './ledger/event-ledger.ts';
export * from './ledger/ledger-health.ts';
export * from './observability/logger.ts';
export * from './observability/metrics.ts';
export * from './observability/observability.ts';
export * from './platform/aws-clients.ts';
export * from './platform/platform-clients.ts';
export * from './queue/queue-message-body.ts';
export * from './queue/sqs-event-queue.ts';
export * from './secrets/cached-secret-store.ts';
export * from './secrets/clinic-secrets.ts';
export * from './secrets/secrets-manager-secret-store.ts';
export * from './stripe/idempotency-key.ts';
export * from './stripe/stripe-call-metrics.ts';
export * from './stripe/stripe-client.ts';
export * from './stripe/stripe-client-options.ts';
export * from './stripe/stripe-errors.ts';
export * from './stripe/stripe-sdk.ts';
export * from './topology.ts';
export * from './vocabulary.ts';
export * from './worker/queue-worker.ts';
export * from './worker/scheduled-function.ts';
export * from './worker/write-buffer.ts';
