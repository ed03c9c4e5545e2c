import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { Logger } from '../adapters/logger.ts';
import { type ApiResult, errorResponse } from './api-response.ts';
import { AppError, ValidationError } from './errors.ts';
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
