import { envNames } from '@basis/shared/config/env-names';
import { readConfig } from '@basis/shared/config/read-config';
import { tableConfigFromEnv } from '@basis/shared/config/table-config';
import { createDocumentClient } from '@basis/shared/dynamo/document-client';
import { createLogger } from '@basis/shared/observability/logger';
import { secretStoreFromEnv } from '@basis/shared/secrets/secret-store-from-env';
import { createStripeClient, stripeApiVersion } from '@basis/shared/stripe/stripe-client';
import { z } from 'zod';
import { dynamoClinicLock } from './adapters/dynamo-clinic-lock.ts';
import { dynamoConnectionRegistry } from './adapters/dynamo-connection-registry.ts';
import { stripeConnectGateway } from './adapters/stripe-connect-gateway.ts';
import { createConnectApi } from './connect-api.ts';

const config = readConfig({ [envNames.publicBaseUrl]: z.url() });
const doc = createDocumentClient();
const { tableName } = tableConfigFromEnv();

export const handler = createConnectApi({
  secrets: secretStoreFromEnv({ cached: false }),
  connections: dynamoConnectionRegistry(doc, tableName),
  lock: dynamoClinicLock(doc, tableName),
  stripe: stripeConnectGateway(createStripeClient()),
  publicBaseUrl: config[envNames.publicBaseUrl] as string,
  apiVersion: stripeApiVersion,
  logger: createLogger('connect'),
  now: () => new Date(),
});
