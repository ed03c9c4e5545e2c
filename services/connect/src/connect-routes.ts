import { type JwtRoute, jsonResponse, noContent, parseJsonBody } from '@basis/shared';
import { connectBodySchema } from './domain/connection.ts';
import type { ConnectDeps } from './ports.ts';
import { connectStripe, disconnectStripe, parseMode, stripeConnections } from './use-cases/connect-stripe.ts';
import { connectionHealth } from './use-cases/connection-health.ts';
import { repairWebhook } from './use-cases/repair-webhook.ts';

/** The Stripe connection API's routes, by API Gateway routeKey. */
export const connectRoutes: Readonly<Record<string, JwtRoute<ConnectDeps>>> = {
  'PUT /v1/clinics/{clinicId}/stripe/{mode}': async (deps, { event, caller }) => {
    const mode = parseMode(event.pathParameters?.mode);
    const body = parseJsonBody(event, connectBodySchema);
    return jsonResponse(200, await connectStripe(deps, { clinicId: caller.clinicId, mode, body }));
  },
  'GET /v1/clinics/{clinicId}/stripe': async (deps, { caller }) =>
    jsonResponse(200, await stripeConnections(deps, caller.clinicId)),
  'DELETE /v1/clinics/{clinicId}/stripe/{mode}': async (deps, { event, caller }) => {
    await disconnectStripe(deps, { clinicId: caller.clinicId, mode: parseMode(event.pathParameters?.mode) });
    return noContent();
  },
  'GET /v1/clinics/{clinicId}/stripe/{mode}/health': async (deps, { event, caller }) => {
    const mode = parseMode(event.pathParameters?.mode);
    return jsonResponse(200, await connectionHealth(deps, { clinicId: caller.clinicId, mode }));
  },
  'POST /v1/clinics/{clinicId}/stripe/{mode}/webhook/repair': async (deps, { event, caller }) => {
    const mode = parseMode(event.pathParameters?.mode);
    return jsonResponse(200, await repairWebhook(deps, { clinicId: caller.clinicId, mode }));
  },
};
