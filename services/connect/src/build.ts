import {
  type ClientsOf,
  dynamoLedgerHealthReader,
  jwtHttpFunction,
  stripeApiVersion,
  type TableClients,
  type TableSource,
} from '@basis/shared';
import { deferredHealthCounterAdder } from './adapters/deferred-health-counters.ts';
import { dynamoClinicLock } from './adapters/dynamo-clinic-lock.ts';
import { dynamoConnectionRegistry } from './adapters/dynamo-connection-registry.ts';
import { dynamoHealthCounters } from './adapters/dynamo-health-counters.ts';
import { dynamoHealthStore } from './adapters/dynamo-health-store.ts';
import { stripeConnectGateway } from './adapters/stripe-connect-gateway.ts';
import { connectRoutes } from './connect-routes.ts';
import type { ConnectionRegistry, HealthCounters } from './ports.ts';

/**
 * The Stripe connection API function. It reads, changes and writes a clinic's secret, so it reads the secret store
 * uncached (never from another container's stale copy), in Lambda and locally alike.
 */
export function buildConnectApi(clients: ClientsOf<'connectApi'>) {
  const { doc, tableName } = clients.table;
  return jwtHttpFunction({
    observability: clients.observability,
    cors: clients.cors,
    deps: {
      secrets: clients.secrets.uncached,
      connections: dynamoConnectionRegistry(doc, tableName),
      lock: dynamoClinicLock(doc, tableName),
      stripe: stripeConnectGateway(clients.stripe),
      publicBaseUrl: clients.publicBaseUrl,
      apiVersion: stripeApiVersion,
      logger: clients.observability.logger,
      now: clients.now,
      healthCounters: dynamoHealthCounters(doc, tableName),
      healthStore: dynamoHealthStore(doc, tableName),
      ledger: dynamoLedgerHealthReader(doc, tableName),
    },
    routes: connectRoutes,
  });
}

/** Which clinics have connected which modes: what the missed-event sweep walks. */
export function buildConnectionRegistry(table: TableClients): ConnectionRegistry {
  return dynamoConnectionRegistry(table.doc, table.tableName);
}

/**
 * Adds to the connection-health counters with the DynamoDB SDK imported on the first write: webhook ingest's
 * refused signatures (`deferredHealthCounterAdder`).
 */
export function buildDeferredHealthCounterAdder(table: TableSource): Pick<HealthCounters, 'add'> {
  return deferredHealthCounterAdder(table);
}

/** The connection-health counters: ingest adds refused signatures, the sweep the events it healed. */
export function buildHealthCounters(table: TableClients): HealthCounters {
  return dynamoHealthCounters(table.doc, table.tableName);
}
