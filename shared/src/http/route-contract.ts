import type * as z from 'zod';
import type { ErrorCode } from '../errors/error-codes.ts';

/** A successful answer of a route: its media types and the schema of each (none: no body, e.g. 204). */
export interface ResponseContract {
  description: string;
  /** Media type → schema of the body, e.g. `{ 'application/json': paymentViewSchema }`. */
  content?: Readonly<Record<string, z.ZodType>>;
}

/**
 * What a route accepts and answers, in the very zod schemas its handler parses with and its answers are typed by.
 * The OpenAPI document (docs/openapi.json) is generated from these and the topology; path parameters come from the
 * route's path and `pathParameterPatterns`, the error responses from `errors` and the one code → status table.
 */
export interface RouteContract {
  /** One line, for a person reading the API reference. */
  summary: string;
  description?: string;
  /** The query string's schema (strict: an unknown parameter is refused). */
  query?: z.ZodObject;
  /** The JSON body's schema. */
  body?: z.ZodType;
  /** Request headers the route reads, e.g. `idempotency-key`. */
  headers?: z.ZodObject;
  /** Successful answers by status. */
  responses: Readonly<Partial<Record<200 | 201 | 202 | 204, ResponseContract>>>;
  /**
   * The error codes this route answers with besides those every route of its kind may (a `/v1` route:
   * `validation_failed`, `unauthorized`, `forbidden`, `internal_error`, `service_unavailable`).
   */
  errors: readonly ErrorCode[];
}

/** A context's route contracts, by API Gateway routeKey (`GET /v1/clinics/{clinicId}/payments`). */
export type RouteContracts = Readonly<Record<string, RouteContract>>;

/** A JSON answer's content. */
export function jsonContent(schema: z.ZodType): Readonly<Record<string, z.ZodType>> {
  return { 'application/json': schema };
}

/** The error codes of a route that calls Stripe with the clinic's key. */
export const stripeCallErrors = [
  'stripe_not_connected',
  'stripe_key_rejected',
  'stripe_object_missing',
  'request_in_progress',
  'stripe_error',
] as const satisfies readonly ErrorCode[];
