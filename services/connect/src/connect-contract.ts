import { jsonContent, type RouteContracts } from '@basis/shared';
import { connectBodySchema, connectedViewSchema, connectionsViewSchema } from './domain/connection.ts';

/** The Stripe connection API's contracts, by routeKey (connect-routes.ts parses and answers with these schemas). */
export const connectContracts: RouteContracts = {
  'PUT /v1/clinics/{clinicId}/stripe/{mode}': {
    summary: "Connect the clinic's Stripe account in a mode",
    description:
      'Key prefixes must match the mode. The key is verified with Stripe first. Without `webhookSecret` Basis registers the webhook endpoint on the account and keeps its secret.',
    body: connectBodySchema,
    responses: { 200: { description: 'Connected.', content: jsonContent(connectedViewSchema) } },
    errors: [
      'invalid_stripe_key',
      'insufficient_key_permissions',
      'connection_change_in_progress',
      'stripe_key_rejected',
      'stripe_error',
    ],
  },
  'GET /v1/clinics/{clinicId}/stripe': {
    summary: "The clinic's Stripe connections, both modes (never a secret)",
    responses: { 200: { description: 'Both modes.', content: jsonContent(connectionsViewSchema) } },
    errors: [],
  },
  'DELETE /v1/clinics/{clinicId}/stripe/{mode}': {
    summary: 'Disconnect a mode: its webhooks are refused from then on; stored payments stay',
    responses: { 204: { description: 'Disconnected (also when it was not connected).' } },
    errors: ['connection_change_in_progress', 'stripe_error'],
  },
};
