import { awsClients } from '@basis/shared';
import { buildWebhookIngest } from '../build.ts';

export const handler = buildWebhookIngest(awsClients('webhookIngest'));
