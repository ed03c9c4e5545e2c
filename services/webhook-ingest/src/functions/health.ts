import { lambdaBaseClients } from '@basis/shared';
import { buildHealth } from '../build.ts';

const base = lambdaBaseClients('health');
export const handler = buildHealth({ ...base });
