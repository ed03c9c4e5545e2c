import { readFileSync } from 'node:fs';
import { type ErrorCode, errorStatusByCode, httpRoutes, type RouteDefinition, routeKey } from '@basis/shared';
import { validate } from '@readme/openapi-parser';
import { describe, expect, it } from 'vitest';
import { clientTypesText, documentText, generatedFiles } from '../src/generated-files.ts';
import { buildOpenApiDocument } from '../src/openapi-document.ts';
import { routeContracts } from '../src/route-contracts.ts';

const document = buildOpenApiDocument();
const committed = JSON.parse(readFileSync(generatedFiles.document.absolute, 'utf8'));

interface Operation {
  security: unknown[];
  parameters?: { in: string; name: string; required?: boolean }[];
  requestBody?: { content: Record<string, unknown> };
  responses: Record<
    string,
    {
      content?: Record<
        string,
        { schema: { properties?: { error?: { properties?: { code?: { enum?: string[] } } } } } }
      >;
    }
  >;
}
const operationOf = (route: Pick<RouteDefinition, 'method' | 'path'>) =>
  (committed.paths[route.path] as Record<string, Operation> | undefined)?.[route.method.toLowerCase()];

describe('docs/openapi.json', () => {
  it('is what `npm run openapi` writes now, and so are the typed client’s types', async () => {
    const hint = 'docs/openapi.json is stale: run `npm run openapi` and commit the result.';
    expect(readFileSync(generatedFiles.document.absolute, 'utf8'), hint).toBe(documentText(document));
    expect(readFileSync(generatedFiles.clientTypes.absolute, 'utf8'), hint).toBe(
      await clientTypesText(document),
    );
  });

  it('is a valid OpenAPI 3.1 document (@readme/openapi-parser)', async () => {
    const result = await validate(structuredClone(committed));
    expect(result.valid ? [] : result.errors).toEqual([]);
    expect(result.specification).toBe('OpenAPI');
    expect(committed.openapi).toBe('3.1.0');
  });

  it('has every route of the topology, with bearer JWT on /v1 and on nothing else', () => {
    for (const route of httpRoutes) {
      const operation = operationOf(route);
      expect(operation, routeKey(route)).toBeDefined();
      expect(operation?.security, routeKey(route)).toEqual(
        route.auth.kind === 'jwt' ? [{ bearerJwt: [] }] : [],
      );
    }
    const documented = Object.entries(committed.paths as Record<string, Record<string, unknown>>).flatMap(
      ([path, item]) => Object.keys(item).map((method) => `${method.toUpperCase()} ${path}`),
    );
    expect(documented.sort()).toEqual(httpRoutes.map(routeKey).sort());
    expect(committed.components.securitySchemes.bearerJwt).toMatchObject({ type: 'http', scheme: 'bearer' });
  });

  it("describes each route's path parameters, query, headers, body and every answer of its contract", () => {
    for (const route of httpRoutes) {
      const key = routeKey(route);
      const contract = routeContracts[key];
      const operation = operationOf(route) as Operation;
      const parameters = (where: string) =>
        (operation.parameters ?? [])
          .filter((parameter) => parameter.in === where)
          .map((parameter) => parameter.name);
      const pathNames = [...route.path.matchAll(/\{(\w+)\}/g)].map((match) => match[1]);
      expect(parameters('path'), key).toEqual(pathNames);
      expect(parameters('query').sort(), key).toEqual(Object.keys(contract?.query?.shape ?? {}).sort());
      expect(parameters('header').sort(), key).toEqual(Object.keys(contract?.headers?.shape ?? {}).sort());
      expect(Object.keys(operation.requestBody?.content ?? {}), key).toEqual(
        contract?.body ? ['application/json'] : [],
      );
      for (const [status, response] of Object.entries(contract?.responses ?? {})) {
        expect(Object.keys(operation.responses[status]?.content ?? {}), `${key} ${status}`).toEqual(
          Object.keys(response.content ?? {}),
        );
      }
    }
  });

  it('lists every error code with its status, and each on a response of that status', () => {
    const codes = Object.keys(errorStatusByCode) as ErrorCode[];
    expect(committed['x-error-codes']).toEqual(errorStatusByCode);
    expect(committed.components.schemas.ErrorCode.enum).toEqual(codes);
    const answered = new Map<string, Set<string>>();
    for (const route of httpRoutes) {
      for (const [status, response] of Object.entries((operationOf(route) as Operation).responses)) {
        for (const code of response.content?.['application/json']?.schema.properties?.error?.properties?.code
          ?.enum ?? []) {
          answered.set(code, new Set([...(answered.get(code) ?? []), status]));
        }
      }
    }
    for (const code of codes) {
      expect([...(answered.get(code) ?? [])], `${code} is on no route of the document`).toEqual([
        String(errorStatusByCode[code]),
      ]);
    }
  });

  it('names the schemas the frontend uses', () => {
    for (const name of [
      'Payment',
      'PaymentPage',
      'PaymentsReport',
      'BookingPayment',
      'StripeConnections',
      'Payout',
    ]) {
      expect(committed.components.schemas[name], name).toBeDefined();
    }
  });

  it('cannot be built when a topology route has no contract, or a contract no route', () => {
    const stray: RouteDefinition = {
      method: 'GET',
      path: '/v1/clinics/{clinicId}/nothing',
      function: 'paymentsApi',
      auth: { kind: 'jwt', roles: ['clinic_admin'] },
    };
    expect(() => buildOpenApiDocument([...httpRoutes, stray])).toThrow(/No contract for GET \/v1\/clinics/);
    expect(() => buildOpenApiDocument(httpRoutes.slice(1))).toThrow(
      /Contracts without a topology route: GET \/health/,
    );
  });
});
