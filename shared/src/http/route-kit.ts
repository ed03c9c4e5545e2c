import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy, { type MiddlewareObj } from '@middy/core';
import httpCors from '@middy/http-cors';
import httpHeaderNormalizer from '@middy/http-header-normalizer';
import type { Context } from 'aws-lambda';
import { httpStatusOf } from '../errors/error-codes.ts';
import { BasisError, NotFoundError } from '../errors/errors.ts';
import { metricNames } from '../observability/metrics.ts';
import type { Observability } from '../observability/observability.ts';
import { withStripeCallMetrics } from '../stripe/stripe-call-metrics.ts';
import { authorize, type Caller } from './authorize.ts';
import { type ApiResult, errorResponse, type HttpEvent } from './http-event.ts';

/** What a `/v1` route is handed: the event, the checked caller and the request id its answer carries. */
export interface JwtRouteRequest {
  event: HttpEvent;
  caller: Caller;
  requestId: string;
}

/** What a public route (webhooks, health, the OpenAPI document) is handed: no caller. */
export interface PublicRouteRequest {
  event: HttpEvent;
  requestId: string;
}

export type JwtRoute<Deps> = (deps: Deps, request: JwtRouteRequest) => Promise<ApiResult>;
export type PublicRoute<Deps> = (deps: Deps, request: PublicRouteRequest) => Promise<ApiResult>;

/** A Lambda handler for API Gateway's HTTP API (payload 2.0). */
export type HttpHandler = (event: HttpEvent, context: Context) => Promise<ApiResult>;

/** Browser access to the `/v1` routes (docs/api.md, "Browsers (CORS)"). */
export interface CorsConfig {
  /** Exact origins, e.g. `https://app.basis.example`; none means no CORS headers at all. */
  allowedOrigins: readonly string[];
}

/**
 * The CORS answer of the `/v1` routes (docs/api.md, "Browsers (CORS)"): API Gateway's CORS configuration in AWS
 * (infra/lib/api/cors.ts) and the route kit and local server here read this one policy.
 */
export const corsPolicy = {
  methods: ['GET', 'POST', 'PUT', 'DELETE'],
  /** Request headers a browser may send (lower case, as API Gateway compares them). */
  allowHeaders: ['authorization', 'content-type', 'idempotency-key'],
  /** Response headers the browser's script may read. */
  exposeHeaders: ['x-request-id'],
  /** How long a browser may cache a preflight answer. */
  maxAgeSeconds: 600,
} as const;

type KitContext = Context & { requestId?: string; caller?: Caller };

/**
 * Our `x-request-id`: API Gateway's own request id (unique per request, and what its access log records), else
 * the Lambda request id. It goes onto every log line of the request and every response, and into error bodies.
 */
function requestIdMiddleware(
  observability: Observability,
): MiddlewareObj<HttpEvent, ApiResult, Error, KitContext> {
  const stamp = (request: { response: ApiResult | null; context: KitContext }) => {
    if (request.response && request.context.requestId) {
      request.response.headers = { ...request.response.headers, 'x-request-id': request.context.requestId };
    }
    // One line per request at DEBUG (free at the production level, WARN): the status joined to the request id.
    observability.logger.debug('request answered', { status: request.response?.statusCode });
  };
  return {
    before: (request) => {
      const requestId = request.event.requestContext?.requestId || request.context.awsRequestId;
      request.context.requestId = requestId;
      observability.logger.appendKeys({ x_request_id: requestId, route: request.event.routeKey });
    },
    after: stamp,
    onError: stamp,
  };
}

/**
 * Whether an error is an AWS SDK error that trying again can cure: throttling (`$retryable`) or a failure on the
 * service's side (`$fault: 'server'`), as the SDK surfaces them once its own retries are spent.
 */
function isTransientAwsError(error: unknown): boolean {
  if (!(error instanceof Error) || !('$metadata' in error)) return false;
  const fields = error as { $fault?: unknown; $retryable?: unknown };
  return fields.$fault === 'server' || Boolean(fields.$retryable);
}

/**
 * The one place errors become HTTP answers: a `BasisError`'s code decides the status (errors/error-codes.ts);
 * a throttled or failing AWS dependency is a 503 `service_unavailable` (try again); anything else is a bug, logged
 * and answered 500 without detail. Every 5xx is counted (`ApiServerError` by route)
 * so an alarm sees handled failures, which Lambda's own `Errors` metric does not.
 */
function errorMapper(observability: Observability): MiddlewareObj<HttpEvent, ApiResult, Error, KitContext> {
  return {
    onError: (request) => {
      const error = request.error;
      const requestId = request.context.requestId;
      let response: ApiResult;
      if (error instanceof BasisError) {
        const status = httpStatusOf(error.code);
        if (status >= 500) observability.logger.error('request failed', { code: error.code, error });
        response = errorResponse(status, error.code, error.message, requestId, error.details);
      } else if (isTransientAwsError(error)) {
        // DynamoDB or SQS throttled or failing past the SDK's own retries: nothing is wrong with the request or the
        // code, and the same request (same Idempotency-Key) can be sent again. A 500 would say "bug".
        observability.logger.error('dependency unavailable', { error });
        response = errorResponse(
          503,
          'service_unavailable',
          'A service we depend on is busy. Please try again.',
          requestId,
        );
      } else {
        observability.logger.error('unexpected error', { error });
        response = errorResponse(
          500,
          'internal_error',
          'Something went wrong on our side. Please try again.',
          requestId,
        );
      }
      if (response.statusCode >= 500) {
        observability.metrics.count(metricNames.apiServerError, { route: request.event.routeKey });
      }
      request.response = response;
    },
  };
}

/** Hands each `/v1` route a checked caller (token claims, clinic and role against the topology's route table). */
function callerMiddleware(): MiddlewareObj<HttpEvent, ApiResult, Error, KitContext> {
  return {
    before: (request) => {
      request.context.caller = authorize(request.event);
    },
  };
}

/** The middlewares every HTTP function shares, in middy's order: Powertools first, the error mapper last. */
function httpMiddlewares(observability: Observability, cors: CorsConfig | undefined) {
  const stack: MiddlewareObj<HttpEvent, ApiResult, Error, KitContext>[] = [
    injectLambdaContext(observability.logger, { resetKeys: true }) as MiddlewareObj<
      HttpEvent,
      ApiResult,
      Error,
      KitContext
    >,
    logMetrics(observability.powertoolsMetrics) as MiddlewareObj<HttpEvent, ApiResult, Error, KitContext>,
    httpHeaderNormalizer() as MiddlewareObj<HttpEvent, ApiResult, Error, KitContext>,
    requestIdMiddleware(observability),
  ];
  if (cors && cors.allowedOrigins.length > 0) {
    stack.push(
      httpCors({
        origins: [...cors.allowedOrigins],
        methods: corsPolicy.methods.join(','),
        headers: corsPolicy.allowHeaders.join(','),
        exposeHeaders: corsPolicy.exposeHeaders.join(','),
        maxAge: corsPolicy.maxAgeSeconds,
      }) as MiddlewareObj<HttpEvent, ApiResult, Error, KitContext>,
    );
  }
  stack.push(errorMapper(observability));
  return stack;
}

function routeOf<Route>(routes: Readonly<Record<string, Route>>, event: HttpEvent): Route {
  const route = routes[event.routeKey];
  if (!route) throw new NotFoundError('not_found', `No route ${event.routeKey}.`);
  return route;
}

/**
 * A Lambda function serving `/v1` routes (JWT): one handler per API Gateway routeKey, each handed its deps and a
 * checked caller. Errors are mapped by code; CORS follows `cors.allowedOrigins`.
 */
export function jwtHttpFunction<Deps>(options: {
  observability: Observability;
  cors: CorsConfig;
  deps: Deps;
  routes: Readonly<Record<string, JwtRoute<Deps>>>;
}): HttpHandler {
  const handle = async (event: HttpEvent, context: KitContext) => {
    const route = routeOf(options.routes, event);
    if (!context.caller || !context.requestId) throw new Error('The caller middleware did not run.');
    const request = { event, caller: context.caller, requestId: context.requestId };
    return withStripeCallMetrics(options.observability.metrics, () => route(options.deps, request));
  };
  return middy<HttpEvent, ApiResult, Error, KitContext>()
    .use(httpMiddlewares(options.observability, options.cors))
    .use(callerMiddleware())
    .handler(handle) as unknown as HttpHandler;
}

/**
 * A Lambda function serving public routes (Stripe's webhooks, `/health`): no token and no CORS headers. The
 * webhook route's raw body reaches its route untouched (no body parser runs), because its bytes are signed.
 */
export function publicHttpFunction<Deps>(options: {
  observability: Observability;
  deps: Deps;
  routes: Readonly<Record<string, PublicRoute<Deps>>>;
}): HttpHandler {
  const handle = async (event: HttpEvent, context: KitContext) => {
    const route = routeOf(options.routes, event);
    const request = { event, requestId: context.requestId ?? context.awsRequestId };
    return withStripeCallMetrics(options.observability.metrics, () => route(options.deps, request));
  };
  return middy<HttpEvent, ApiResult, Error, KitContext>()
    .use(httpMiddlewares(options.observability, undefined))
    .handler(handle) as unknown as HttpHandler;
}
