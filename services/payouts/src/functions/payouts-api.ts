import { awsTableClients, lambdaBaseClients } from '@basis/shared';
import { buildPayoutsApi } from '../build.ts';

const base = lambdaBaseClients('payoutsApi');
export const handler = buildPayoutsApi({ ...base, table: awsTableClients(base) });
