/**
 * Stripe's error shape: `{"error": {"type", "code", "message", "param", "decline_code", "doc_url", …}}`.
 * Every failure a handler can produce is a `StripeApiError`; the server turns it into the response.
 */
export type ErrorType = 'invalid_request_error' | 'card_error' | 'idempotency_error' | 'api_error';

export interface ErrorBody {
  type: ErrorType;
  message: string;
  code?: string;
  param?: string;
  decline_code?: string;
  doc_url?: string;
  [extra: string]: unknown;
}

export class StripeApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: ErrorBody,
    /** Whether an idempotency key should remember this answer (Stripe saves results once execution began). */
    readonly savedForIdempotency = false,
  ) {
    super(body.message);
  }
}

function withDocUrl(body: ErrorBody): ErrorBody {
  if (!body.code) return body;
  return { ...body, doc_url: `https://stripe.com/docs/error-codes/${body.code.replace(/_/g, '-')}` };
}

export function invalidRequest(
  message: string,
  options: { param?: string; code?: string; status?: number; saved?: boolean } = {},
): StripeApiError {
  const body: ErrorBody = { type: 'invalid_request_error', message };
  if (options.code) body.code = options.code;
  if (options.param) body.param = options.param;
  return new StripeApiError(options.status ?? 400, withDocUrl(body), options.saved ?? false);
}

export function parameterMissing(param: string): StripeApiError {
  return invalidRequest(`Missing required param: ${param}.`, { param, code: 'parameter_missing' });
}

export function parameterUnknown(param: string): StripeApiError {
  return invalidRequest(
    `Received unknown parameter: ${param}. Did you mean to pass this parameter in a different place?`,
    { param, code: 'parameter_unknown' },
  );
}

export function invalidInteger(param: string, value: string): StripeApiError {
  return invalidRequest(`Invalid integer: ${value}`, { param, code: 'parameter_invalid_integer' });
}

export function invalidValue(param: string, message: string): StripeApiError {
  return invalidRequest(message, { param });
}

export function resourceMissing(objectName: string, id: string, param: string): StripeApiError {
  return invalidRequest(`No such ${objectName}: '${id}'`, { param, code: 'resource_missing', status: 404 });
}

export function unrecognizedUrl(method: string, path: string): StripeApiError {
  return invalidRequest(
    `Unrecognized request URL (${method}: ${path}). Please see https://stripe.com/docs or we can help at https://support.stripe.com/.`,
    { status: 404 },
  );
}

/** 401: Stripe answers bad keys with type `invalid_request_error` (the SDK maps 401 to StripeAuthenticationError). */
export function authenticationFailed(message: string, code?: string): StripeApiError {
  return invalidRequest(message, { status: 401, ...(code ? { code } : {}) });
}

/** 403: a restricted key without the permission (the SDK maps 403 to StripePermissionError). */
export function permissionDenied(message: string): StripeApiError {
  return invalidRequest(message, { status: 403 });
}

export function idempotencyError(message: string): StripeApiError {
  return new StripeApiError(400, { type: 'idempotency_error', message });
}

export function unexpectedState(
  code: string,
  message: string,
  extra: Record<string, unknown> = {},
): StripeApiError {
  return new StripeApiError(400, withDocUrl({ type: 'invalid_request_error', code, message, ...extra }));
}

/** 402 card error; saved for idempotency because the attempt happened (a failed Charge exists). */
export function cardError(
  details: { code: string; message: string; declineCode?: string; param?: string },
  extra: Record<string, unknown>,
): StripeApiError {
  const body: ErrorBody = { type: 'card_error', code: details.code, message: details.message, ...extra };
  if (details.declineCode) body.decline_code = details.declineCode;
  if (details.param) body.param = details.param;
  return new StripeApiError(402, withDocUrl(body), true);
}

export function apiError(message: string): StripeApiError {
  return new StripeApiError(500, { type: 'api_error', message }, true);
}
