import { jsonResponse } from '@basis/shared/http/api-response';
import { authorize } from '@basis/shared/http/authorize';
import { type RouteHandler, routedApi } from '@basis/shared/http/http-handler';
import { parseJsonBody } from '@basis/shared/http/json-body';
import { connectBodySchema } from './domain/connection.ts';
import {
  type ConnectDeps,
  connectStripe,
  disconnectStripe,
  parseMode,
  stripeConnections,
} from './use-cases/connect-stripe.ts';

type Route = RouteHandler<ConnectDeps>;

const routes: Readonly<Record<string, Route>> = {
  'PUT /v1/clinics/{clinicId}/stripe/{mode}': async (deps, event) => {
    const caller = authorize(event);
    const mode = parseMode(event.pathParameters?.mode);
    const body = parseJsonBody(event, connectBodySchema);
    return jsonResponse(200, await connectStripe(deps, { clinicId: caller.clinicId, mode, body }));
  },
  'GET /v1/clinics/{clinicId}/stripe': async (deps, event) => {
    const caller = authorize(event);
    return jsonResponse(200, await stripeConnections(deps, caller.clinicId));
  },
  'DELETE /v1/clinics/{clinicId}/stripe/{mode}': async (deps, event) => {
    const caller = authorize(event);
    await disconnectStripe(deps, { clinicId: caller.clinicId, mode: parseMode(event.pathParameters?.mode) });
    return { statusCode: 204 };
  },
};

/** The Stripe connection API: one function, its routes dispatched by API Gateway's routeKey. */
export function createConnectApi(deps: ConnectDeps) {
  return routedApi(deps, routes);
}
