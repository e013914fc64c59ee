import { CauseloopError, type FieldViolation } from '@causeloop/platform/errors';

export function notFound(what: string): CauseloopError {
  return new CauseloopError('not_found', `${what} not found`);
}

export function invalidField(field: string, description: string): CauseloopError {
  return new CauseloopError('invalid_argument', `${field} ${description}`, { violations: [{ field, description }] });
}

/** One error naming every invalid field of a request, so a client fixes them all at once. */
export function invalidFields(violations: readonly FieldViolation[]): CauseloopError {
  const first = violations[0];
  const message = violations.length === 1 && first !== undefined ? `${first.field} ${first.description}` : 'invalid fields';
  return new CauseloopError('invalid_argument', message, { violations });
}

/** PostgreSQL unique_violation, classified by SQLSTATE rather than message text. */
export function isUniqueViolation(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === '23505';
}
