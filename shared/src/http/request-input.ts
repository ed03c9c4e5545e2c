import * as z from 'zod';
import { ValidationError } from '../errors/errors.ts';
import type { HttpEvent } from './http-event.ts';
import { pathParameterPatterns } from './ids.ts';

/**
 * Parses a JSON request body against its schema. Schemas are strict: an unknown field is refused, so nothing
 * that is not in the contract (a card number, say) is ever accepted. The error names the field.
 */
export function parseJsonBody<Schema extends z.ZodType>(event: HttpEvent, schema: Schema): z.infer<Schema> {
  let json: unknown;
  try {
    const raw = event.body ?? '';
    json = JSON.parse(event.isBase64Encoded ? Buffer.from(raw, 'base64').toString('utf8') : raw);
  } catch {
    throw new ValidationError('body', 'The body must be a JSON object.');
  }
  return parseInput(schema, json, 'body');
}

/** Validates any input (body, query) against a schema, with the first problem's field in the error. */
export function parseInput<Schema extends z.ZodType>(
  schema: Schema,
  input: unknown,
  fallbackField: string,
): z.infer<Schema> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const unknownKey = issue?.code === 'unrecognized_keys' ? issue.keys[0] : undefined;
  const field = unknownKey ?? (issue?.path.length ? issue.path.join('.') : fallbackField);
  const message = unknownKey
    ? `Unknown field ${unknownKey}.`
    : `Invalid ${field}: ${issue?.message ?? 'invalid value'}.`;
  throw new ValidationError(field, message);
}

/** The query string, validated against its schema (`query` names the problem when no field does). */
export function parseQuery<Schema extends z.ZodType>(event: HttpEvent, schema: Schema): z.infer<Schema> {
  return parseInput(schema, event.queryStringParameters ?? {}, 'query');
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

const idempotencyKeyPattern = /^[\w-]{1,200}$/;

/** The `Idempotency-Key` request header of the routes that read it, for their contracts. */
export const idempotencyKeyHeaderSchema = z.object({
  'idempotency-key': z.string().regex(idempotencyKeyPattern).optional().meta({
    description: 'Your key for this request (1–200 letters, digits, - or _): a repeat never acts twice.',
  }),
});

/** The request's own `Idempotency-Key` header, when it sent one: 1–200 letters, digits, `-` or `_`. */
export function idempotencyKeyHeader(event: HttpEvent): string | undefined {
  const value = event.headers['idempotency-key'];
  if (value !== undefined && !idempotencyKeyPattern.test(value)) {
    throw new ValidationError(
      'Idempotency-Key',
      'The Idempotency-Key header must be 1–200 letters, digits, - or _.',
    );
  }
  return value;
}
