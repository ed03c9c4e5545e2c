import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { dynamoConnectionRegistry } from '@basis/connect/adapters/dynamo-connection-registry';
import { dynamoEventLedger } from '@basis/shared/ledger/dynamo-event-ledger';
import type { Logger } from '@basis/shared/observability/logger';
import type { EventQueue } from '@basis/shared/queue/sqs-event-queue';
import type { SecretStore } from '@basis/shared/secrets/clinic-secrets';
import type Stripe from 'stripe';
import { stripeEventsGateway } from './adapters/stripe-events-gateway.ts';
import { sweepMissedEvents } from './use-cases/sweep-missed-events.ts';

/** The missed-event sweep built from its clients: AWS's in Lambda, the emulators' locally. */
export function sweeperFrom(clients: {
  doc: DynamoDBDocumentClient;
  tableName: string;
  secrets: SecretStore;
  stripe: Stripe;
  queue: EventQueue;
  logger: Logger;
  now?: () => Date;
  /** Events younger than this are left to their normal delivery; 120 s unless a test says otherwise. */
  settleSeconds?: number;
}) {
  const deps = {
    connections: dynamoConnectionRegistry(clients.doc, clients.tableName),
    secrets: clients.secrets,
    ledger: dynamoEventLedger(clients.doc, clients.tableName),
    events: stripeEventsGateway(clients.stripe),
    queue: clients.queue,
    logger: clients.logger,
    now: clients.now ?? (() => new Date()),
    settleSeconds: clients.settleSeconds ?? 120,
  };
  return () => sweepMissedEvents(deps);
}
