import { createDocumentClient } from '@basis/shared/adapters/dynamo-document-client';
import { dynamoPaymentStore } from '@basis/shared/adapters/dynamo-payment-store';
import { createLogger } from '@basis/shared/adapters/logger';
import { tableConfigFromEnv } from '@basis/shared/config/table-config';
import { createPaymentsApi } from './payments-api.ts';

export const handler = createPaymentsApi({
  payments: dynamoPaymentStore(createDocumentClient(), tableConfigFromEnv().tableName),
  logger: createLogger('payments-api'),
});
