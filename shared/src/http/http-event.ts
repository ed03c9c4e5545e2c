import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';

/** API Gateway's HTTP API event (payload 2.0), with the claims its JWT authorizer verified. */
export type HttpEvent = APIGatewayProxyEventV2 & {
  requestContext: APIGatewayProxyEventV2['requestContext'] & {
    authorizer?: {
      jwt?: { claims?: Record<string, string | number | boolean | string[]>; scopes?: string[] | null };
    };
  };
};

/** What a route answers: a status, headers and a string body (payload 2.0's structured result). */
export type ApiResult = APIGatewayProxyStructuredResultV2 & { statusCode: number };

const jsonHeaders = { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' };

/** A JSON response; the body is serialised here, once. */
export function jsonResponse(statusCode: number, body: unknown): ApiResult {
  return { statusCode, headers: { ...jsonHeaders }, body: JSON.stringify(body) };
}

/** A response with no body (204). */
export function noContent(): ApiResult {
  return { statusCode: 204, headers: {} };
}

/** The contract's error body: `{"error": {"code", "message", "requestId", …details}}`. */
export function errorResponse(
  statusCode: number,
  code: string,
  message: string,
  requestId: string | undefined,
  details?: Readonly<Record<string, unknown>>,
): ApiResult {
  return jsonResponse(statusCode, {
    error: { code, message, ...details, ...(requestId ? { requestId } : {}) },
  });
}
