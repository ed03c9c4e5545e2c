import { tableConfigFromEnv } from '@basis/shared/config/table-config';
import { createDocumentClient } from '@basis/shared/dynamo/document-client';
import { createLogger } from '@basis/shared/observability/logger';
import { secretStoreFromEnv } from '@basis/shared/secrets/secret-store-from-env';
import { createStripeClient } from '@basis/shared/stripe/stripe-client';
import { paymentsWorkerFrom } from './wiring.ts';

export const handler = paymentsWorkerFrom({
  doc: createDocumentClient(),
  tableName: tableConfigFromEnv().tableName,
  secrets: secretStoreFromEnv(),
  stripe: createStripeClient(),
  logger: createLogger('payments-worker'),
});
