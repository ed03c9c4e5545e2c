import { tableConfigFromEnv } from '@basis/shared/config/table-config';
import { createDocumentClient } from '@basis/shared/dynamo/document-client';
import { createLogger } from '@basis/shared/observability/logger';
import { dynamoPayoutStore } from './adapters/dynamo-payout-store.ts';
import { createPayoutsApi } from './payouts-api.ts';

export const handler = createPayoutsApi({
  payouts: dynamoPayoutStore(createDocumentClient(), tableConfigFromEnv().tableName),
  logger: createLogger('payouts-api'),
});
