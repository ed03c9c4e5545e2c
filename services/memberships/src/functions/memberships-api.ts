import { awsClients, createStripeClient } from '@basis/shared';
import { buildMembershipsApi } from '../build.ts';

export const handler = buildMembershipsApi({ ...awsClients('membershipsApi'), stripe: createStripeClient() });
