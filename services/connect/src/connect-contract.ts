import { jsonContent, type RouteContracts } from '@basis/shared';
import {
  connectBodySchema,
  connectedViewSchema,
  connectionHealthViewSchema,
  connectionsViewSchema,
} from './domain/connection.ts';

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
  'GET /v1/clinics/{clinicId}/stripe/{mode}/health': {
    summary:
      "Check a mode's Stripe connection: key, permissions, webhook endpoint, signatures, missed and failed events",
    description:
      'Each check is verified with Stripe and with our own records; a failed check says what to do. A key Stripe refuses is a failed check, not an error.',
    responses: {
      200: { description: 'The health of the connection.', content: jsonContent(connectionHealthViewSchema) },
    },
    errors: [],
  },
  'POST /v1/clinics/{clinicId}/stripe/{mode}/webhook/repair': {
    summary:
      'Register the managed webhook endpoint again (new signing secret; the old one stays valid for a grace period)',
    responses: { 200: { description: 'The connection.', content: jsonContent(connectedViewSchema) } },
    errors: [
      'stripe_not_connected',
      'webhook_not_managed',
      'connection_change_in_progress',
      'stripe_key_rejected',
      'stripe_error',
    ],
  },
};
