import { awsClients } from '@basis/shared';
import { buildPayoutsApi } from '../build.ts';

export const handler = buildPayoutsApi(awsClients('payoutsApi'));
