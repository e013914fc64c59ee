import { CauseloopError, type FieldViolation } from './causeloop-error.js';

// The errors every handler raises in the same words, so API callers see one spelling.

export function notFound(what: string): CauseloopError {
  return new CauseloopError('not_found', `${what} not found`);
}

export function invalidField(field: string, description: string): CauseloopError {
  return new CauseloopError('invalid_argument', `${field} ${description}`, { violations: [{ field, description }] });
}

/**
 * One error naming every invalid field of a request, so a client fixes them all at once
 * (the gateway's and the gRPC server's request validation raise it too). A violation with
 * an empty field is about the request as a whole.
 */
export function invalidFields(violations: readonly FieldViolation[]): CauseloopError {
  const message = violations
    .map((violation) => (violation.field === '' ? `the request ${violation.description}` : `${violation.field} ${violation.description}`))
    .join('; ');
  return new CauseloopError('invalid_argument', message, { violations });
}
