import { awsClients } from '@basis/shared';
import { buildHealth } from '../build.ts';

export const handler = buildHealth(awsClients('health'));
