import { jsonResponse, type PublicRoute } from '@basis/shared';
// The generated document (npm run openapi), bundled into the health function only (not into ingest, which is on
// Stripe's path): the contract is served exactly as committed.
import openApiDocument from '../../../docs/openapi.json' with { type: 'json' };

/** The document's text, serialised once per container. */
const openApiBody = JSON.stringify(openApiDocument);

/** `GET /health`: liveness of the public API; `GET /openapi.json`: the contract a frontend generates its client from. */
export const healthRoutes: Readonly<Record<string, PublicRoute<unknown>>> = {
  'GET /health': async () => jsonResponse(200, { status: 'ok' }),
  'GET /openapi.json': async () => ({
    statusCode: 200,
    headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'public, max-age=300' },
    body: openApiBody,
  }),
};
