import type { ErrorCode } from './error-codes.ts';

/**
 * An error with a stable `code` (see error-codes.ts), thrown by use cases and adapters. It carries no HTTP status:
 * the route kit maps codes to statuses in one place. Messages are written for a person and never carry secrets;
 * `details` adds fields to the error body (e.g. the `field` of a validation error).
 */
export class BasisError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: Readonly<Record<string, unknown>>,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** A malformed body, query or path parameter: `validation_failed`, naming the field. */
export class ValidationError extends BasisError {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super('validation_failed', message, { field });
  }
}

/** No token, or one without the claims a route needs. */
export class UnauthorizedError extends BasisError {
  constructor(message = 'A valid bearer token is required.') {
    super('unauthorized', message);
  }
}

/** A token of another clinic, or a role the route does not allow. */
export class ForbiddenError extends BasisError {
  constructor(message = 'You may not do this for this clinic.') {
    super('forbidden', message);
  }
}

type NotFoundCode = Extract<ErrorCode, 'not_found' | `${string}_not_found` | 'clinic_not_connected'>;

/** Something the caller named does not exist (or is not theirs to see). */
export class NotFoundError extends BasisError {
  constructor(code: NotFoundCode, message: string) {
    super(code, message);
  }
}

/** The request conflicts with the current state of what it names. */
export class ConflictError extends BasisError {
  constructor(code: ErrorCode, message: string) {
    super(code, message);
  }
}
