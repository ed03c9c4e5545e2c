import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { AppError, NotFoundError, ValidationError } from '../errors/errors.ts';
import type { Logger } from '../observability/logger.ts';
import { type ApiResult, errorResponse } from './api-response.ts';
import { pathParameterPatterns } from './ids.ts';

export type HttpEvent = APIGatewayProxyEventV2 & {
  requestContext: APIGatewayProxyEventV2['requestContext'] & {
    authorizer?: {
      jwt?: { claims?: Record<string, string | number | boolean | string[]>; scopes?: string[] | null };
    };
  };
};

/**
 * Wraps a route's logic: known errors become their HTTP shape, anything else is logged and answered
 * with a 500 that leaks nothing.
 */
export function httpHandler(
  logger: Logger,
  handle: (event: HttpEvent) => Promise<ApiResult>,
): (event: HttpEvent) => Promise<ApiResult> {
  return async (event) => {
    try {
      return await handle(event);
    } catch (error) {
      if (error instanceof AppError) {
        if (error.status >= 500) logger.error('request failed', { code: error.code, error });
        return errorResponse(error.status, error.code, error.message, error.details);
      }
      logger.error('unexpected error', { error, routeKey: event.routeKey });
      return errorResponse(500, 'internal_error', 'Something went wrong on our side. Please try again.');
    }
  };
}

/** A path parameter, checked against its pattern (ids/pathParameterPatterns) before anything uses it. */
export function pathParameter(event: HttpEvent, name: string): string {
  const value = event.pathParameters?.[name];
  if (!value) throw new ValidationError(name, `Missing path parameter ${name}.`);
  const pattern = pathParameterPatterns[name];
  if (pattern && !pattern.test(value))
    throw new ValidationError(name, `The ${name} in the path is not a valid id.`);
  return value;
}

export type RouteHandler<Deps> = (deps: Deps, event: HttpEvent) => Promise<ApiResult>;

/** One function serving several routes: each dispatched by API Gateway's routeKey, errors mapped by httpHandler. */
export function routedApi<Deps extends { logger: Logger }>(
  deps: Deps,
  routes: Readonly<Record<string, RouteHandler<Deps>>>,
): (event: HttpEvent) => Promise<ApiResult> {
  return httpHandler(deps.logger, async (event) => {
    const route = routes[event.routeKey];
    if (!route) throw new NotFoundError('not_found', `No route ${event.routeKey}.`);
    return route(deps, event);
  });
}

/** The request's own `Idempotency-Key` header, when it sent one: 1–200 letters, digits, `-` or `_`. */
export function idempotencyKeyHeader(event: HttpEvent): string | undefined {
  const value = event.headers['idempotency-key'];
  if (value !== undefined && !/^[\w-]{1,200}$/.test(value)) {
    throw new ValidationError(
      'Idempotency-Key',
      'The Idempotency-Key header must be 1–200 letters, digits, - or _.',
    );
  }
  return value;
}
