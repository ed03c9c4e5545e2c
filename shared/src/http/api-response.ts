import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';

export type ApiResult = APIGatewayProxyStructuredResultV2 & { statusCode: number };

const jsonHeaders = { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' };

export function jsonResponse(statusCode: number, body: unknown): ApiResult {
  return { statusCode, headers: jsonHeaders, body: JSON.stringify(body) };
}

export function errorResponse(
  statusCode: number,
  code: string,
  message: string,
  details?: Readonly<Record<string, unknown>>,
): ApiResult {
  return jsonResponse(statusCode, { error: { code, message, ...details } });
}
