import type { Middleware } from '../../clients/basis-api/src/index.ts';
import openApiDocument from '../../docs/openapi.json' with { type: 'json' };
import { routeContracts } from '../../openapi/src/index.ts';

interface DocumentedResponse {
  content?: Record<
    string,
    { schema?: { properties?: { error?: { properties?: { code?: { enum?: string[] } } } } } }
  >;
}
type Operations = Record<string, { responses: Record<string, DocumentedResponse> }>;
const paths = openApiDocument.paths as unknown as Record<string, Operations>;

/** The document's path template of a concrete path, e.g. `/v1/clinics/c1/payments` → `/v1/clinics/{clinicId}/payments`. */
export function pathTemplateOf(
  method: string,
  pathname: string,
): { template: string; pathParameters: Record<string, string> } | undefined {
  for (const template of Object.keys(paths)) {
    if (!paths[template]?.[method.toLowerCase()]) continue;
    const names: string[] = [];
    const pattern = new RegExp(
      `^${template.replace(/\{(\w+)\}/g, (_match, name: string) => {
        names.push(name);
        return '([^/]+)';
      })}$`,
    );
    const found = pattern.exec(pathname);
    if (!found) continue;
    return {
      template,
      pathParameters: Object.fromEntries(
        names.map((name, index) => [name, safeDecode(found[index + 1] ?? '')]),
      ),
    };
  }
  return undefined;
}

interface ErrorBody {
  error?: { code?: string; requestId?: string };
}

/** What is wrong with a success body, checked with the route's zod schema; undefined when it fits. */
function successProblem(key: string, status: number, body: unknown): string | undefined {
  const schema =
    routeContracts[key]?.responses[status as 200 | 201 | 202 | 204]?.content?.['application/json'];
  if (!schema) return 'a JSON body the contract does not describe';
  const parsed = schema.safeParse(body);
  return parsed.success ? undefined : `a body outside its schema: ${JSON.stringify(parsed.error.issues)}`;
}

/** What is wrong with an error body: its code must be one the status lists, its requestId the header's. */
function errorProblem(
  documented: DocumentedResponse,
  body: ErrorBody,
  requestId: string,
): string | undefined {
  const codes =
    documented.content?.['application/json']?.schema?.properties?.error?.properties?.code?.enum ?? [];
  if (!body.error?.code || !codes.includes(body.error.code)) {
    return `code ${body.error?.code}, where the contract lists ${codes.join(', ')}`;
  }
  if (body.error.requestId !== requestId) return 'an error.requestId that is not the x-request-id';
  return undefined;
}

/**
 * Holds every answer the typed client receives to the contract: its status must be one the document lists for the
 * route, it must carry `x-request-id`, a success body must parse with the route's zod schema (the one the document
 * was generated from), and an error's `code` must be one the document lists for that status, its `requestId` the
 * header's. A drift between server, document and client fails the test that met it.
 */
export function contractCheck(): Middleware {
  return {
    async onResponse({ request, response, schemaPath }) {
      const where = `${request.method} ${schemaPath} answered ${response.status}`;
      const documented =
        paths[schemaPath]?.[request.method.toLowerCase()]?.responses[String(response.status)];
      if (!documented) throw new Error(`${where}, which the contract does not document.`);
      const requestId = response.headers.get('x-request-id');
      if (!requestId) throw new Error(`${where} without an x-request-id header.`);
      const contentType = response.headers.get('content-type') ?? '';
      const text = await response.clone().text();
      if (!text) return undefined;
      if (!contentType.startsWith('application/json')) {
        const mediaType = contentType.split(';')[0] ?? '';
        if (!documented.content?.[mediaType])
          throw new Error(`${where} as ${mediaType}, which is not documented.`);
        return undefined;
      }
      const body = JSON.parse(text) as ErrorBody;
      const problem = response.ok
        ? successProblem(`${request.method} ${schemaPath}`, response.status, body)
        : errorProblem(documented, body, requestId);
      if (problem) throw new Error(`${where}: ${problem}`);
      return undefined;
    },
  };
}

/** %-decodes a path segment; a malformed escape stays as sent (the gateway answers it 400 itself). */
function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
