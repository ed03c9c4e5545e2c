import { createDocumentClient } from '@basis/shared/adapters/dynamo-document-client';
import { dynamoPayoutStore } from '@basis/shared/adapters/dynamo-payout-store';
import { createLogger } from '@basis/shared/adapters/logger';
import { tableConfigFromEnv } from '@basis/shared/config/table-config';
import { createPayoutsApi } from './payouts-api.ts';

export const handler = createPayoutsApi({
  payouts: dynamoPayoutStore(createDocumentClient(), tableConfigFromEnv().tableName),
  logger: createLogger('payouts-api'),
});
