/**
 * The one source of truth for the system's shape: HTTP routes, functions, queues (each with its DLQ),
 * event type → queue routing and the table design. The CDK stack (infra/) and the local runtime (local/)
 * both read this module; a route or queue that exists in one and not the other is a bug.
 */

export const modes = ['test', 'live'] as const;
export type Mode = (typeof modes)[number];

export const roles = ['clinic_admin', 'staff', 'client'] as const;
export type Role = (typeof roles)[number];

/** What a function may touch. Infra turns this into least-privilege grants; nothing else is granted. */
export interface FunctionAccess {
  table: 'none' | 'read' | 'readWrite';
  /** Clinic secrets (Stripe keys, signing secrets) under the configured name prefix. */
  secrets: 'none' | 'read' | 'readWrite';
  /** Queues this function may send to. */
  sendsTo: readonly QueueName[];
  /** Needs the API's public base URL (to tell Stripe where to send webhooks). */
  publicBaseUrl?: boolean;
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
}

export interface QueueDefinition {
  /** The function that consumes this queue through an event-source mapping. */
  consumer: FunctionName;
  batchSize: number;
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

const allQueueNames = ['payments'] as const;
export type QueueName = (typeof allQueueNames)[number];
export const queueNames: readonly QueueName[] = allQueueNames;

export const functions = {
  webhookIngest: {
    service: 'webhook-ingest',
    entry: 'services/webhook-ingest/src/handler.ts',
    description: 'Verifies Stripe webhooks and routes them to the worker queues',
    memoryMb: 512,
    timeoutSeconds: 10,
    access: { table: 'none', secrets: 'read', sendsTo: allQueueNames },
  },
  health: {
    service: 'webhook-ingest',
    entry: 'services/webhook-ingest/src/health-handler.ts',
    description: 'Liveness probe for the public API',
    memoryMb: 128,
    timeoutSeconds: 3,
    access: { table: 'none', secrets: 'none', sendsTo: [] },
  },
  connectApi: {
    service: 'connect',
    entry: 'services/connect/src/handler.ts',
    description: 'Connects clinics to Stripe: keys in Secrets Manager, managed webhook endpoints',
    memoryMb: 512,
    timeoutSeconds: 20,
    access: { table: 'none', secrets: 'readWrite', sendsTo: [], publicBaseUrl: true },
  },
  paymentsApi: {
    service: 'payments',
    entry: 'services/payments/src/api-handler.ts',
    description: 'Payments HTTP API',
    memoryMb: 512,
    timeoutSeconds: 10,
    access: { table: 'read', secrets: 'none', sendsTo: [] },
  },
  paymentsWorker: {
    service: 'payments',
    entry: 'services/payments/src/worker-handler.ts',
    description: 'Applies payment_intent.* events to payment records',
    memoryMb: 512,
    timeoutSeconds: 20,
    access: { table: 'readWrite', secrets: 'read', sendsTo: [] },
  },
} as const satisfies Record<string, FunctionDefinition>;

export type FunctionName = keyof typeof functions;

export const queues = {
  payments: {
    consumer: 'paymentsWorker',
    batchSize: 10,
    maxBatchingWindowSeconds: 0,
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
    path: '/v1/clinics/{clinicId}/payments/{paymentId}',
    function: 'paymentsApi',
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

/** The single DynamoDB table: generic key names so that every entity shares it. */
export const table = {
  partitionKey: 'pk',
  sortKey: 'sk',
  ttlAttribute: 'expiresAt',
  indexes: [{ name: 'gsi1', partitionKey: 'gsi1pk', sortKey: 'gsi1sk' }],
} as const;

/** Limits the webhook endpoint enforces before it reads a body. */
export const webhookLimits = {
  maxBodyBytes: 256 * 1024,
  signatureToleranceSeconds: 300,
} as const;
