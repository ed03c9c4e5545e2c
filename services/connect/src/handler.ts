import { dynamoClinicLock } from '@basis/shared/adapters/dynamo-clinic-lock';
import { dynamoConnectionRegistry } from '@basis/shared/adapters/dynamo-connection-registry';
import { createDocumentClient } from '@basis/shared/adapters/dynamo-document-client';
import { createLogger } from '@basis/shared/adapters/logger';
import { envNames } from '@basis/shared/config/env-names';
import { readConfig } from '@basis/shared/config/read-config';
import { tableConfigFromEnv } from '@basis/shared/config/table-config';
import { secretStoreFromEnv } from '@basis/shared/secrets/secret-store-from-env';
import { stripeConnectGateway } from '@basis/shared/stripe/connect-gateway';
import { createStripeClient, stripeApiVersion } from '@basis/shared/stripe/stripe-client';
import { z } from 'zod';
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
