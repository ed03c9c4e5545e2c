/**
 * @basis/openapi: the OpenAPI 3.1 document of the HTTP API, built from the topology and each context's route
 * contracts. Build-time only: `npm run openapi` writes docs/openapi.json and the typed client's types; the
 * functions bundle the written document, never this package.
 */
export { buildOpenApiDocument, type OpenApiDocument } from './openapi-document.ts';
export { routeContracts } from './route-contracts.ts';
