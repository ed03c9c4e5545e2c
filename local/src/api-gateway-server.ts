import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  type ApiResult,
  type FunctionName,
  type HttpEvent,
  httpRoutes,
  type RouteDefinition,
  routeKey,
} from '@basis/shared';
import type { Context } from 'aws-lambda';
import { verifyDevToken } from './dev-jwt.ts';
import { lambdaContext } from './lambda-context.ts';
import { type LocalQueues, localConsole } from './local-console.ts';
import { localCors } from './local-cors.ts';
import { type LocalPages, localPages } from './local-pages.ts';

export type HttpFunction = (event: HttpEvent, context: Context) => Promise<ApiResult>;

/** API Gateway's own limit on a request body. */
const maxBodyBytes = 10 * 1024 * 1024;
const textContentTypes = /^(application\/(json|x-www-form-urlencoded|xml)|text\/)/i;

interface CompiledRoute {
  route: RouteDefinition;
  pattern: RegExp;
  parameterNames: string[];
}

function compile(route: RouteDefinition): CompiledRoute {
  const parameterNames: string[] = [];
  const source = route.path.replace(/\{(\w+)\}/g, (_match, name: string) => {
    parameterNames.push(name);
    return '([^/]+)';
  });
  return { route, pattern: new RegExp(`^${source}$`), parameterNames };
}

function send(response: ServerResponse, result: ApiResult): void {
  const headers = Object.fromEntries(Object.entries(result.headers ?? {}).map(([k, v]) => [k, String(v)]));
  response.writeHead(result.statusCode, headers);
  response.end(
    result.body === undefined
      ? undefined
      : Buffer.from(result.body, result.isBase64Encoded ? 'base64' : 'utf8'),
  );
}

/** An answer of the gateway itself (no function ran): the contract's error body, with the request's id. */
function problem(statusCode: number, code: string, message: string, requestId: string): ApiResult {
  return {
    statusCode,
    headers: { 'content-type': 'application/json; charset=utf-8' },
    body: JSON.stringify({ error: { code, message, requestId } }),
  };
}

/**
 * Every answer carries the request's id (API Gateway sends its own as `apigw-requestid`; ours is `x-request-id`,
 * which the route kit sets from the same id), also when the gateway answers by itself (401, 404, 405, 413).
 */
function withRequestId(result: ApiResult, requestId: string): ApiResult {
  const headers = Object.fromEntries(
    Object.entries(result.headers ?? {}).map(([name, value]) => [name.toLowerCase(), String(value)]),
  );
  return { ...result, headers: { 'x-request-id': requestId, ...headers, 'apigw-requestid': requestId } };
}

async function readBody(request: IncomingMessage): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).byteLength;
    if (size > maxBodyBytes) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** JWT claims as API Gateway hands them to a Lambda: every value a string. */
function claimsAsStrings(claims: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(claims).map(([key, value]) => [
      key,
      Array.isArray(value) ? `[${value.join(' ')}]` : String(value),
    ]),
  );
}

function headersOf(request: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(',') : value;
  }
  return headers;
}

function toEvent(
  request: IncomingMessage,
  url: URL,
  matched: { route: RouteDefinition; pathParameters: Record<string, string> },
  body: Buffer,
  claims: Record<string, string> | undefined,
  requestId: string,
): HttpEvent {
  const headers = headersOf(request);
  const isBase64Encoded = body.byteLength > 0 && !textContentTypes.test(headers['content-type'] ?? '');
  const now = new Date();
  const key = routeKey(matched.route);
  const query = Object.fromEntries(url.searchParams.entries());
  return {
    version: '2.0',
    routeKey: key,
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    headers,
    ...(Object.keys(query).length > 0 ? { queryStringParameters: query } : {}),
    ...(Object.keys(matched.pathParameters).length > 0 ? { pathParameters: matched.pathParameters } : {}),
    ...(body.byteLength > 0 ? { body: body.toString(isBase64Encoded ? 'base64' : 'utf8') } : {}),
    isBase64Encoded,
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      domainName: headers.host ?? '127.0.0.1',
      domainPrefix: 'local',
      http: {
        method: request.method ?? 'GET',
        path: url.pathname,
        protocol: `HTTP/${request.httpVersion}`,
        sourceIp: request.socket.remoteAddress ?? '127.0.0.1',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId,
      routeKey: key,
      stage: '$default',
      time: now.toISOString(),
      timeEpoch: now.getTime(),
      ...(claims ? { authorizer: { jwt: { claims, scopes: [] } } } : {}),
    },
  };
}

async function authenticate(route: RouteDefinition, request: IncomingMessage) {
  if (route.auth.kind !== 'jwt') return { ok: true as const, claims: undefined };
  const match = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '');
  if (!match?.[1]) return { ok: false as const };
  try {
    return { ok: true as const, claims: claimsAsStrings(await verifyDevToken(match[1])) };
  } catch {
    return { ok: false as const };
  }
}

/** Path parameters, %-decoded as API Gateway does; undefined when an escape is malformed. */
function decodePathParameters(
  names: readonly string[],
  found: RegExpExecArray,
): Record<string, string> | undefined {
  try {
    return Object.fromEntries(names.map((name, index) => [name, decodeURIComponent(found[index + 1] ?? '')]));
  } catch {
    return undefined;
  }
}

/** The route for a method and path, as API Gateway matches it; its path parameters undefined when malformed. */
function matchRoute(
  compiled: readonly CompiledRoute[],
  method: string | undefined,
  pathname: string,
):
  | { route: RouteDefinition; pathParameters: Record<string, string> | undefined }
  | 'no_route'
  | 'wrong_method' {
  let pathMatched = false;
  for (const candidate of compiled) {
    const found = candidate.pattern.exec(pathname);
    if (!found) continue;
    pathMatched = true;
    if (candidate.route.method !== method) continue;
    return { route: candidate.route, pathParameters: decodePathParameters(candidate.parameterNames, found) };
  }
  return pathMatched ? 'wrong_method' : 'no_route';
}

/**
 * Plays API Gateway (HTTP API, payload v2) in front of the very same handlers: the routes of the topology, the
 * JWT check on `/v1` routes, path parameters, base64 bodies for non-text content, the CORS configuration of the
 * `/v1` routes (`allowedOrigins`; none: no CORS) and a request id on every answer. It also serves the rendered
 * API reference at `GET /docs`, which only the local server has.
 */
export async function startApiGatewayServer(options: {
  port: number;
  host?: string;
  allowedOrigins?: readonly string[];
  /** Serves the local console at `/console/` and its dev-token endpoint `POST /_local/token` (local-console.ts). */
  console?: { stripeApiUrl: string; queues?: LocalQueues };
}): Promise<{
  url: string;
  port: number;
  server: Server;
  /** Hands the server its functions; until then it answers 503 (the URL is needed to build some of them). */
  mount(functions: Partial<Record<FunctionName, HttpFunction>>): void;
  close(): Promise<void>;
}> {
  const compiled = httpRoutes.map(compile);
  const cors = localCors(options.allowedOrigins ?? []);
  const pages: LocalPages = localPages();
  const consolePages = options.console ? localConsole(options.console) : undefined;
  let functions: Partial<Record<FunctionName, HttpFunction>> | undefined;
  const route = async (request: IncomingMessage, url: URL, requestId: string): Promise<ApiResult> => {
    if (!functions) return problem(503, 'starting', 'The local API is still starting.', requestId);
    const page = request.method === 'GET' ? pages.serve(url.pathname) : undefined;
    if (page) return page;
    const consolePage = await consolePages?.serve(request.method ?? 'GET', url.pathname, () =>
      readBody(request),
    );
    if (consolePage) return consolePage;
    const match = matchRoute(compiled, request.method, url.pathname);
    if (match === 'no_route')
      return problem(404, 'not_found', `No route for ${request.method} ${url.pathname}.`, requestId);
    if (match === 'wrong_method') {
      return problem(
        405,
        'method_not_allowed',
        `${request.method} is not allowed on ${url.pathname}.`,
        requestId,
      );
    }
    const { route: matched, pathParameters } = match;
    if (!pathParameters) {
      return problem(400, 'validation_failed', 'The path holds a malformed % escape.', requestId);
    }
    const auth = await authenticate(matched, request);
    if (!auth.ok) return problem(401, 'unauthorized', 'A valid bearer token is required.', requestId);
    const body = await readBody(request);
    if (!body) return problem(413, 'payload_too_large', 'The request body is too large.', requestId);
    const fn = functions[matched.function] as HttpFunction;
    const event = toEvent(request, url, { route: matched, pathParameters }, body, auth.claims, requestId);
    return fn(event, lambdaContext(matched.function));
  };
  const handle = async (request: IncomingMessage, requestId: string): Promise<ApiResult> => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const headers = headersOf(request);
    const corsApplies = cors?.appliesTo(url.pathname) === true;
    // API Gateway answers a preflight itself, before any route or authorizer runs.
    const preflight = corsApplies && request.method === 'OPTIONS' ? cors?.preflight(headers) : undefined;
    if (preflight) return { statusCode: 204, headers: preflight };
    const result = withRequestId(await route(request, url, requestId), requestId);
    if (!corsApplies || !cors) return result;
    return { ...result, headers: cors.onResponse(headers, result.headers as Record<string, string>) };
  };

  const server = createServer((request, response) => {
    const requestId = randomUUID();
    handle(request, requestId)
      .then((result) => send(response, withRequestId(result, requestId)))
      .catch((error: unknown) => {
        console.error('local API gateway: handler crashed', error);
        send(
          response,
          withRequestId(problem(500, 'internal_error', 'The handler crashed.', requestId), requestId),
        );
      });
  });
  await new Promise<void>((resolve) => server.listen(options.port, options.host ?? '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    server,
    mount(mounted) {
      for (const { route } of compiled) {
        if (!mounted[route.function]) throw new Error(`No local function for ${routeKey(route)}`);
      }
      functions = mounted;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
