/**
 * The one source of truth for the system's shape: HTTP routes, functions, queues (each with its DLQ),
 * event type → queue routing and the table design. The CDK stack (infra/) and the local runtime (local/)
 * both read this module; a route or queue that exists in one and not the other is a bug.
 */

import type { Mode, Role } from './vocabulary.ts';

/** What a function may touch. Infra turns this into least-privilege grants; nothing else is granted. */
export interface FunctionAccess {
  table: 'none' | 'read' | 'readWrite';
  /** Clinic secrets (Stripe keys, signing secrets) under the configured name prefix. */
  secrets: 'none' | 'read' | 'readWrite';
  /** Queues this function may send to. */
  sendsTo: readonly QueueName[];
  /** Needs the API's public base URL (to tell Stripe where to send webhooks). */
  publicBaseUrl?: boolean;
  /** Calls Stripe (with the clinic's key): only these functions bundle the Stripe SDK. */
  stripe?: boolean;
  /**
   * Adds to the connection-health counters (`healthCounterKeys`) and nothing else in the table: for a function
   * with `table: 'none'` on the public path (webhook ingest counts refused signatures), granted UpdateItem on
   * those items only.
   */
  healthCounters?: boolean;
}

export interface FunctionDefinition {
  /** Folder name under services/. */
  service: string;
  /** Handler module, relative to the repository root; it exports `handler`. */
  entry: string;
  description: string;
  memoryMb: number;
  timeoutSeconds: number;
  access: FunctionAccess;
  /** Run on a schedule (EventBridge in AWS, a timer locally). */
  schedule?: { rateMinutes: number };
}

export interface QueueDefinition {
  /** The function that consumes this queue through an event-source mapping. */
  consumer: FunctionName;
  batchSize: number;
  /**
   * How long Lambda gathers records before invoking (0–300 s). A window fills batches under steady traffic, so each
   * invocation, receive and delete serves up to `batchSize` events (the cost model's "batches of 10"), at the price
   * of at most this much added delay per event.
   */
  maxBatchingWindowSeconds: number;
  /** At least six times the consumer's timeout, as AWS recommends for SQS event sources. */
  visibilityTimeoutSeconds: number;
  /** Receives before a message moves to the DLQ. */
  maxReceiveCount: number;
  retentionDays: number;
  dlqRetentionDays: number;
  /** Alarm when the oldest message has waited this long. */
  oldestMessageAlarmSeconds: number;
}

const allQueueNames = ['payments', 'refunds', 'payouts', 'memberships'] as const;
export type QueueName = (typeof allQueueNames)[number];
export const queueNames: readonly QueueName[] = allQueueNames;

export const functions = {
  webhookIngest: {
    service: 'webhook-ingest',
    entry: 'services/webhook-ingest/src/functions/webhook-ingest.ts',
    description: 'Verifies Stripe webhooks and routes them to the worker queues',
    memoryMb: 512,
    timeoutSeconds: 10,
    access: { table: 'none', secrets: 'read', sendsTo: allQueueNames, healthCounters: true },
  },
  eventSweeper: {
    service: 'webhook-ingest',
    entry: 'services/webhook-ingest/src/functions/event-sweeper.ts',
    description: 'Lists recent events from Stripe and enqueues those the ledger lacks (missed webhooks)',
    memoryMb: 512,
    timeoutSeconds: 300,
    access: { table: 'readWrite', secrets: 'read', sendsTo: allQueueNames, stripe: true },
    schedule: { rateMinutes: 15 },
  },
  health: {
    service: 'webhook-ingest',
    entry: 'services/webhook-ingest/src/functions/health.ts',
    description: 'Liveness probe and OpenAPI document of the public API',
    memoryMb: 128,
    timeoutSeconds: 3,
    access: { table: 'none', secrets: 'none', sendsTo: [] },
  },
  connectApi: {
    service: 'connect',
    entry: 'services/connect/src/functions/connect-api.ts',
    description: 'Connects clinics to Stripe: keys in Secrets Manager, managed webhook endpoints',
    memoryMb: 512,
    timeoutSeconds: 20,
    access: { table: 'readWrite', secrets: 'readWrite', sendsTo: [], publicBaseUrl: true, stripe: true },
  },
  paymentsApi: {
    service: 'payments',
    entry: 'services/payments/src/functions/payments-api.ts',
    description: 'Payments HTTP API: pricing, booking payments, saved cards, payment lists, the event ledger',
    memoryMb: 512,
    timeoutSeconds: 20,
    access: { table: 'readWrite', secrets: 'read', sendsTo: [], stripe: true },
  },
  paymentsWorker: {
    service: 'payments',
    entry: 'services/payments/src/functions/payments-worker.ts',
    description: 'Applies payment_intent.* events to payment records',
    memoryMb: 512,
    timeoutSeconds: 20,
    access: { table: 'readWrite', secrets: 'read', sendsTo: [], stripe: true },
  },
  refundsApi: {
    service: 'refunds',
    entry: 'services/refunds/src/functions/refunds-api.ts',
    description: 'Refunds HTTP API: staff-issued full and partial refunds',
    memoryMb: 512,
    timeoutSeconds: 20,
    access: { table: 'readWrite', secrets: 'read', sendsTo: ['refunds'], stripe: true },
  },
  refundsWorker: {
    service: 'refunds',
    entry: 'services/refunds/src/functions/refunds-worker.ts',
    description: 'Applies refund, charge.refunded and dispute events; completes refunds left pending',
    memoryMb: 512,
    timeoutSeconds: 20,
    access: { table: 'readWrite', secrets: 'read', sendsTo: [], stripe: true },
  },
  payoutsWorker: {
    service: 'payouts',
    entry: 'services/payouts/src/functions/payouts-worker.ts',
    description: 'Applies payout.* events and reconciles paid payouts with payments and refunds',
    memoryMb: 512,
    timeoutSeconds: 120,
    access: { table: 'readWrite', secrets: 'read', sendsTo: ['payouts'], stripe: true },
  },
  payoutsApi: {
    service: 'payouts',
    entry: 'services/payouts/src/functions/payouts-api.ts',
    description: 'Payouts HTTP API',
    memoryMb: 512,
    timeoutSeconds: 10,
    access: { table: 'read', secrets: 'none', sendsTo: [] },
  },
  membershipsApi: {
    service: 'memberships',
    entry: 'services/memberships/src/functions/memberships-api.ts',
    description: 'Memberships HTTP API: plans (Products + Prices), sign-ups (Subscriptions), cancellations',
    memoryMb: 512,
    timeoutSeconds: 20,
    access: { table: 'readWrite', secrets: 'read', sendsTo: [], stripe: true },
  },
  membershipsWorker: {
    service: 'memberships',
    entry: 'services/memberships/src/functions/memberships-worker.ts',
    description: 'Applies subscription and invoice events to memberships; records paid invoices as payments',
    memoryMb: 512,
    timeoutSeconds: 20,
    access: { table: 'readWrite', secrets: 'read', sendsTo: [], stripe: true },
  },
} as const satisfies Record<string, FunctionDefinition>;

export type FunctionName = keyof typeof functions;

/** Functions that run on a schedule rather than for a route or a queue. */
export type ScheduledFunctionName = {
  [Name in FunctionName]: (typeof functions)[Name] extends { schedule: object } ? Name : never;
}[FunctionName];

export const queues = {
  payments: {
    consumer: 'paymentsWorker',
    batchSize: 10,
    maxBatchingWindowSeconds: 1,
    visibilityTimeoutSeconds: 120,
    maxReceiveCount: 5,
    retentionDays: 4,
    dlqRetentionDays: 14,
    oldestMessageAlarmSeconds: 300,
  },
  refunds: {
    consumer: 'refundsWorker',
    batchSize: 10,
    maxBatchingWindowSeconds: 1,
    visibilityTimeoutSeconds: 120,
    maxReceiveCount: 5,
    retentionDays: 4,
    dlqRetentionDays: 14,
    oldestMessageAlarmSeconds: 300,
  },
  payouts: {
    consumer: 'payoutsWorker',
    batchSize: 5,
    maxBatchingWindowSeconds: 0,
    visibilityTimeoutSeconds: 720,
    maxReceiveCount: 5,
    retentionDays: 4,
    dlqRetentionDays: 14,
    oldestMessageAlarmSeconds: 900,
  },
  memberships: {
    consumer: 'membershipsWorker',
    batchSize: 10,
    // Subscription and invoice events come in bursts per billing run, like payments'; payouts keep 0: a few a day.
    maxBatchingWindowSeconds: 1,
    visibilityTimeoutSeconds: 120,
    maxReceiveCount: 5,
    retentionDays: 4,
    dlqRetentionDays: 14,
    oldestMessageAlarmSeconds: 300,
  },
} as const satisfies Record<QueueName, QueueDefinition>;

/** Stripe event types the system handles, and the queue each goes to. Any other type is acknowledged and ignored. */
export const eventRouting: Readonly<Record<string, QueueName>> = {
  'payment_intent.succeeded': 'payments',
  'payment_intent.payment_failed': 'payments',
  'payment_intent.processing': 'payments',
  'payment_intent.requires_action': 'payments',
  'payment_intent.canceled': 'payments',
  'charge.succeeded': 'payments',
  'charge.failed': 'payments',
  'payment_method.attached': 'payments',
  'payment_method.detached': 'payments',
  'setup_intent.succeeded': 'payments',
  'charge.refunded': 'refunds',
  'refund.created': 'refunds',
  'refund.updated': 'refunds',
  'refund.failed': 'refunds',
  'charge.refund.updated': 'refunds',
  'charge.dispute.created': 'refunds',
  'charge.dispute.updated': 'refunds',
  'charge.dispute.closed': 'refunds',
  'payout.created': 'payouts',
  'payout.updated': 'payouts',
  'payout.paid': 'payouts',
  'payout.failed': 'payouts',
  'payout.canceled': 'payouts',
  'payout.reconciliation_completed': 'payouts',
  'customer.subscription.created': 'memberships',
  'customer.subscription.updated': 'memberships',
  'customer.subscription.deleted': 'memberships',
  'invoice.finalized': 'memberships',
  'invoice.paid': 'memberships',
  'invoice.payment_failed': 'memberships',
  'invoice.payment_action_required': 'memberships',
  'invoice.voided': 'memberships',
  'invoice_payment.paid': 'memberships',
};

export const handledEventTypes: readonly string[] = Object.keys(eventRouting);

export function queueForEventType(type: string): QueueName | undefined {
  return Object.hasOwn(eventRouting, type) ? eventRouting[type] : undefined;
}

export type RouteAuth =
  | { kind: 'none' }
  | { kind: 'stripe-signature'; mode: Mode }
  | { kind: 'jwt'; roles: readonly Role[] };

export interface RouteDefinition {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** API Gateway path syntax: `{name}` is a path parameter. */
  path: string;
  function: FunctionName;
  auth: RouteAuth;
}

export const httpRoutes: readonly RouteDefinition[] = [
  { method: 'GET', path: '/health', function: 'health', auth: { kind: 'none' } },
  { method: 'GET', path: '/openapi.json', function: 'health', auth: { kind: 'none' } },
  {
    method: 'POST',
    path: '/stripe_webhook/{clinicId}',
    function: 'webhookIngest',
    auth: { kind: 'stripe-signature', mode: 'live' },
  },
  {
    method: 'POST',
    path: '/stripe_webhook_test/{clinicId}',
    function: 'webhookIngest',
    auth: { kind: 'stripe-signature', mode: 'test' },
  },
  {
    method: 'PUT',
    path: '/v1/clinics/{clinicId}/stripe/{mode}',
    function: 'connectApi',
    auth: { kind: 'jwt', roles: ['clinic_admin'] },
  },
  {
    method: 'GET',
    path: '/v1/clinics/{clinicId}/stripe',
    function: 'connectApi',
    auth: { kind: 'jwt', roles: ['clinic_admin', 'staff'] },
  },
  {
    method: 'DELETE',
    path: '/v1/clinics/{clinicId}/stripe/{mode}',
    function: 'connectApi',
    auth: { kind: 'jwt', roles: ['clinic_admin'] },
  },
  {
    method: 'GET',
    path: '/v1/clinics/{clinicId}/stripe/{mode}/health',
    function: 'connectApi',
    auth: { kind: 'jwt', roles: ['clinic_admin', 'staff'] },
  },
  {
    method: 'POST',
    path: '/v1/clinics/{clinicId}/stripe/{mode}/webhook/repair',
    function: 'connectApi',
    auth: { kind: 'jwt', roles: ['clinic_admin'] },
  },
  {
    method: 'GET',
    path: '/v1/clinics/{clinicId}/payouts',
    function: 'payoutsApi',
    auth: { kind: 'jwt', roles: ['clinic_admin', 'staff'] },
  },
  {
    method: 'GET',
    path: '/v1/clinics/{clinicId}/payouts/{payoutId}',
    function: 'payoutsApi',
    auth: { kind: 'jwt', roles: ['clinic_admin', 'staff'] },
  },
  {
    method: 'PUT',
    path: '/v1/clinics/{clinicId}/services/{serviceId}/pricing',
    function: 'paymentsApi',
    auth: { kind: 'jwt', roles: ['clinic_admin'] },
  },
  {
    method: 'GET',
    path: '/v1/clinics/{clinicId}/services/{serviceId}/pricing',
    function: 'paymentsApi',
    auth: { kind: 'jwt', roles: ['clinic_admin', 'staff', 'client'] },
  },
  {
    method: 'POST',
    path: '/v1/clinics/{clinicId}/bookings/{bookingId}/payment',
    function: 'paymentsApi',
    auth: { kind: 'jwt', roles: ['clinic_admin', 'staff', 'client'] },
  },
  {
    method: 'GET',
    path: '/v1/clinics/{clinicId}/bookings/{bookingId}/payment',
    function: 'paymentsApi',
    auth: { kind: 'jwt', roles: ['clinic_admin', 'staff', 'client'] },
  },
  {
    method: 'POST',
    path: '/v1/clinics/{clinicId}/clients/{clientId}/payment-methods/setup',
    function: 'paymentsApi',
    auth: { kind: 'jwt', roles: ['clinic_admin', 'client'] },
  },
  {
    method: 'GET',
    path: '/v1/clinics/{clinicId}/clients/{clientId}/payment-methods',
    function: 'paymentsApi',
    auth: { kind: 'jwt', roles: ['clinic_admin', 'client'] },
  },
  {
    method: 'DELETE',
    path: '/v1/clinics/{clinicId}/clients/{clientId}/payment-methods/{paymentMethodId}',
    function: 'paymentsApi',
    auth: { kind: 'jwt', roles: ['clinic_admin', 'client'] },
  },
  {
    method: 'GET',
    path: '/v1/clinics/{clinicId}/payments',
    function: 'paymentsApi',
    auth: { kind: 'jwt', roles: ['clinic_admin', 'staff', 'client'] },
  },
  {
    method: 'GET',
    path: '/v1/clinics/{clinicId}/payments/{paymentId}',
    function: 'paymentsApi',
    auth: { kind: 'jwt', roles: ['clinic_admin', 'staff', 'client'] },
  },
  {
    method: 'POST',
    path: '/v1/clinics/{clinicId}/payments/{paymentId}/cancel',
    function: 'paymentsApi',
    auth: { kind: 'jwt', roles: ['clinic_admin', 'staff'] },
  },
  {
    method: 'POST',
    path: '/v1/clinics/{clinicId}/payments/{paymentId}/refunds',
    function: 'refundsApi',
    auth: { kind: 'jwt', roles: ['clinic_admin', 'staff'] },
  },
  {
    method: 'GET',
    path: '/v1/clinics/{clinicId}/reports/payments',
    function: 'paymentsApi',
    auth: { kind: 'jwt', roles: ['clinic_admin', 'staff'] },
  },
  {
    method: 'GET',
    path: '/v1/clinics/{clinicId}/events',
    function: 'paymentsApi',
    auth: { kind: 'jwt', roles: ['clinic_admin'] },
  },
  {
    method: 'PUT',
    path: '/v1/clinics/{clinicId}/membership-plans/{planId}',
    function: 'membershipsApi',
    auth: { kind: 'jwt', roles: ['clinic_admin'] },
  },
  {
    method: 'GET',
    path: '/v1/clinics/{clinicId}/membership-plans',
    function: 'membershipsApi',
    auth: { kind: 'jwt', roles: ['clinic_admin', 'staff', 'client'] },
  },
  {
    method: 'POST',
    path: '/v1/clinics/{clinicId}/clients/{clientId}/memberships',
    function: 'membershipsApi',
    auth: { kind: 'jwt', roles: ['clinic_admin', 'staff', 'client'] },
  },
  {
    method: 'GET',
    path: '/v1/clinics/{clinicId}/clients/{clientId}/memberships',
    function: 'membershipsApi',
    auth: { kind: 'jwt', roles: ['clinic_admin', 'staff', 'client'] },
  },
  {
    method: 'GET',
    path: '/v1/clinics/{clinicId}/memberships',
    function: 'membershipsApi',
    auth: { kind: 'jwt', roles: ['clinic_admin', 'staff'] },
  },
  {
    method: 'GET',
    path: '/v1/clinics/{clinicId}/memberships/{membershipId}',
    function: 'membershipsApi',
    auth: { kind: 'jwt', roles: ['clinic_admin', 'staff', 'client'] },
  },
  {
    method: 'POST',
    path: '/v1/clinics/{clinicId}/memberships/{membershipId}/cancel',
    function: 'membershipsApi',
    auth: { kind: 'jwt', roles: ['clinic_admin', 'staff', 'client'] },
  },
];

/** API Gateway's `routeKey` for a route, e.g. `GET /health`. */
export function routeKey(route: Pick<RouteDefinition, 'method' | 'path'>): string {
  return `${route.method} ${route.path}`;
}

export function findRoute(key: string): RouteDefinition | undefined {
  return httpRoutes.find((route) => routeKey(route) === key);
}

/**
 * What a GSI copies from the table: every attribute (`ALL`), only the keys (`KEYS_ONLY`: its reader fetches the
 * items it needs), or the keys plus `attributes` (`INCLUDE`). An index write happens whenever a projected attribute
 * changes, so an index projects only what its readers use.
 */
export type IndexProjection =
  | { type: 'ALL' }
  | { type: 'KEYS_ONLY' }
  | { type: 'INCLUDE'; attributes: readonly string[] };

/** One GSI of the single table. */
export interface TableIndex {
  name: string;
  partitionKey: string;
  sortKey: string;
  projection: IndexProjection;
}

/**
 * The single DynamoDB table: generic key names so that every entity shares it. One index per access pattern
 * (docs/architecture.md, "The table"):
 * - `gsi1` (ALL): payouts, memberships by date; a customer's cards.
 * - `gsi2` (KEYS_ONLY): payments by date (the admin list), read by Query then BatchGet.
 * - `gsi3` (KEYS_ONLY): a client's payments by date.
 * - `gsi4` (INCLUDE, sparse): the payments report: payments where they succeeded or failed, refunds where they
 *   succeeded, disputes under their payment's success, with only what the report sums.
 */
export const table = {
  partitionKey: 'pk',
  sortKey: 'sk',
  ttlAttribute: 'expiresAt',
  indexes: [
    { name: 'gsi1', partitionKey: 'gsi1pk', sortKey: 'gsi1sk', projection: { type: 'ALL' } },
    { name: 'gsi2', partitionKey: 'gsi2pk', sortKey: 'gsi2sk', projection: { type: 'KEYS_ONLY' } },
    { name: 'gsi3', partitionKey: 'gsi3pk', sortKey: 'gsi3sk', projection: { type: 'KEYS_ONLY' } },
    {
      name: 'gsi4',
      partitionKey: 'gsi4pk',
      sortKey: 'gsi4sk',
      projection: {
        type: 'INCLUDE',
        attributes: [
          'entityType',
          'paymentId',
          'amount',
          'currency',
          'status',
          'paymentAmount',
          'refundedAfter',
        ],
      },
    },
  ],
} as const satisfies {
  partitionKey: string;
  sortKey: string;
  ttlAttribute: string;
  indexes: readonly TableIndex[];
};

/** Limits the webhook endpoint enforces before it reads a body. */
export const webhookLimits = {
  maxBodyBytes: 256 * 1024,
  signatureToleranceSeconds: 300,
} as const;
