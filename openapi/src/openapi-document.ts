import {
  type ErrorCode,
  errorStatusByCode,
  functions,
  httpRoutes,
  modes,
  pathParameterPatterns,
  type RouteContract,
  type RouteContracts,
  type RouteDefinition,
  routeKey,
} from '@basis/shared';
import * as z from 'zod';
import { createDocument, type ZodOpenApiOperationObject, type ZodOpenApiPathsObject } from 'zod-openapi';
import { routeContracts } from './route-contracts.ts';

/** The OpenAPI 3.1 document as JSON (what docs/openapi.json holds). */
export type OpenApiDocument = ReturnType<typeof createDocument>;

/**
 * Codes any route of a kind may answer, besides its contract's own. `not_found` is the answer to a request that
 * matches no route (a path of the wrong shape, say): the gateway's, before any handler runs. `service_unavailable`
 * is the route kit's answer when DynamoDB or SQS stays throttled past the SDK's retries (try again).
 */
const commonErrors: Record<RouteDefinition['auth']['kind'], readonly ErrorCode[]> = {
  jwt: [
    'validation_failed',
    'unauthorized',
    'forbidden',
    'not_found',
    'internal_error',
    'service_unavailable',
  ],
  'stripe-signature': ['not_found', 'internal_error', 'service_unavailable'],
  none: ['not_found', 'internal_error', 'service_unavailable'],
};

const allCodes = Object.keys(errorStatusByCode) as ErrorCode[];

const requestIdHeader = z.object({
  'x-request-id': z.string().meta({
    description: 'The request id: quote it to join a frontend error to the log line of the request.',
  }),
});

/** The contract's error body, its `code` narrowed to the codes a response can carry. */
function errorBodySchema(codes: readonly ErrorCode[]) {
  return z.object({
    error: z.looseObject({
      code: z.enum(codes as [ErrorCode, ...ErrorCode[]]).meta({ description: 'Stable: branch on it.' }),
      message: z.string().meta({ description: 'For a person.' }),
      requestId: z.string().meta({ description: 'The same as the `x-request-id` header.' }),
      field: z.string().optional().meta({ description: 'For `validation_failed`: the field at fault.' }),
    }),
  });
}

/** A path parameter's schema: the pattern the handlers check it against (ids.ts), `mode` its two values. */
function pathParametersOf(path: string) {
  const names = [...path.matchAll(/\{(\w+)\}/g)].map((match) => match[1] as string);
  if (names.length === 0) return undefined;
  return z.object(
    Object.fromEntries(
      names.map((name) => {
        if (name === 'mode') return [name, z.enum(modes)];
        const pattern = pathParameterPatterns[name];
        return [name, pattern ? z.string().regex(pattern) : z.string()];
      }),
    ),
  );
}

/** `GET /v1/clinics/{clinicId}/payments/{paymentId}` → `getClinicsPaymentsPaymentId`: stable, unique. */
function operationIdOf(route: RouteDefinition): string {
  const words = route.path
    .split('/')
    .filter((segment) => segment !== '' && segment !== 'v1')
    .flatMap((segment) => segment.replace(/[{}]/g, '').split(/[^A-Za-z0-9]+/))
    .filter((word) => word !== '' && word !== 'clinicId');
  return route.method.toLowerCase() + words.map((word) => word[0]?.toUpperCase() + word.slice(1)).join('');
}

function errorResponses(route: RouteDefinition, contract: RouteContract) {
  const codes = [...new Set([...commonErrors[route.auth.kind], ...contract.errors])];
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of codes)
    byStatus.set(errorStatusByCode[code], [...(byStatus.get(errorStatusByCode[code]) ?? []), code]);
  return Object.fromEntries(
    [...byStatus.entries()]
      .sort(([a], [b]) => a - b)
      .map(([status, statusCodes]) => [
        String(status),
        {
          description: statusCodes.map((code) => `\`${code}\``).join(', '),
          headers: requestIdHeader,
          content: { 'application/json': { schema: errorBodySchema(statusCodes) } },
        },
      ]),
  );
}

function operationOf(route: RouteDefinition, contract: RouteContract): ZodOpenApiOperationObject {
  const roles = route.auth.kind === 'jwt' ? route.auth.roles : [];
  const path = pathParametersOf(route.path);
  const who =
    route.auth.kind === 'jwt'
      ? `Roles: ${roles.join(', ')}.`
      : route.auth.kind === 'stripe-signature'
        ? 'No JWT: the `Stripe-Signature` header authenticates the request.'
        : 'No authentication.';
  return {
    operationId: operationIdOf(route),
    summary: contract.summary,
    description: [contract.description, who].filter(Boolean).join('\n\n'),
    tags: [functions[route.function].service],
    security: route.auth.kind === 'jwt' ? [{ bearerJwt: [] }] : [],
    ...(route.auth.kind === 'jwt' ? { 'x-basis-roles': [...roles] } : {}),
    requestParams: {
      ...(path ? { path } : {}),
      ...(contract.query ? { query: contract.query } : {}),
      ...(contract.headers ? { header: contract.headers } : {}),
    },
    ...(contract.body
      ? { requestBody: { required: true, content: { 'application/json': { schema: contract.body } } } }
      : {}),
    responses: {
      ...Object.fromEntries(
        Object.entries(contract.responses).map(([status, response]) => [
          status,
          {
            description: response.description,
            headers: requestIdHeader,
            ...(response.content
              ? {
                  content: Object.fromEntries(
                    Object.entries(response.content).map(([mediaType, schema]) => [mediaType, { schema }]),
                  ),
                }
              : {}),
          },
        ]),
      ),
      ...errorResponses(route, contract),
    },
  };
}

/**
 * The OpenAPI 3.1 document of every route of the topology, generated from each route's contract (the zod schemas
 * its handler validates with and answers by) and the one error-code table. Throws when a topology route has no
 * contract, or a contract no route, so the document can never silently miss one.
 */
export function buildOpenApiDocument(
  routes: readonly RouteDefinition[] = httpRoutes,
  contracts: RouteContracts = routeContracts,
): OpenApiDocument {
  const keys = new Set(routes.map(routeKey));
  const orphans = Object.keys(contracts).filter((key) => !keys.has(key));
  if (orphans.length > 0) throw new Error(`Contracts without a topology route: ${orphans.join('; ')}`);
  const paths: ZodOpenApiPathsObject = {};
  for (const route of routes) {
    const contract = contracts[routeKey(route)];
    if (!contract)
      throw new Error(`No contract for ${routeKey(route)}: add it to its context's *-contract.ts.`);
    const item = paths[route.path] ?? {};
    paths[route.path] = item;
    item[route.method.toLowerCase() as 'get' | 'post' | 'put' | 'delete'] = operationOf(route, contract);
  }
  return createDocument(
    {
      openapi: '3.1.0',
      info: {
        title: 'Basis payments API',
        version: '1.0.0',
        description:
          "Payments of a clinic through its own Stripe account. The prose of the contract (auth, roles, errors, CORS, semantics) is docs/api.md; this document is generated from the schemas the handlers validate with (`npm run openapi`). Amounts are integers in the currency's minor unit; times are ISO 8601 UTC.",
      },
      tags: [...new Set(routes.map((route) => functions[route.function].service))].map((name) => ({ name })),
      paths,
      components: {
        securitySchemes: {
          bearerJwt: {
            type: 'http',
            scheme: 'bearer',
            bearerFormat: 'JWT',
            description:
              'Claims used: `sub`, `clinic_id`, `role` (`clinic_admin` | `staff` | `client`), `client_id` for clients.',
          },
        },
        schemas: {
          ErrorCode: z.enum(allCodes as [ErrorCode, ...ErrorCode[]]).meta({
            description: `Every error code and its HTTP status: ${allCodes.map((code) => `\`${code}\` ${errorStatusByCode[code]}`).join(', ')}.`,
          }),
        },
      },
      'x-error-codes': { ...errorStatusByCode },
    },
    { outputIdSuffix: 'Output' },
  );
}
