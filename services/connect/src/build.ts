import { type ClientsOf, jwtHttpFunction, stripeApiVersion, type TableClients } from '@basis/shared';
import { dynamoClinicLock } from './adapters/dynamo-clinic-lock.ts';
import { dynamoConnectionRegistry } from './adapters/dynamo-connection-registry.ts';
import { stripeConnectGateway } from './adapters/stripe-connect-gateway.ts';
import { connectRoutes } from './connect-routes.ts';
import type { ConnectionRegistry } from './ports.ts';

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
    },
    routes: connectRoutes,
  });
}

/** Which clinics have connected which modes: what the missed-event sweep walks. */
export function buildConnectionRegistry(table: TableClients): ConnectionRegistry {
  return dynamoConnectionRegistry(table.doc, table.tableName);
}
