import type { ErrorObject } from 'ajv';
import type { FieldViolation } from '../errors/causeloop-error.js';
import { dateTimeFormat, emailFormat, maxDepthKeyword, uriFormat, uuidFormat } from './schema-formats.js';

/**
 * ajv's errors as field violations: the field is the snake_case path into the validated
 * value (`display_name`, `items[2].name`, `filter.actor_id`; empty for the value as a
 * whole), the description says what a caller must change. `data` is the value ajv saw, to
 * tell list indexes from map keys along a path.
 */
export function violationsFromSchemaErrors(errors: readonly ErrorObject[], data: unknown): FieldViolation[] {
  const violations: FieldViolation[] = [];
  const seen = new Set<string>();
  // An enum value of the wrong type (a number where names are expected) breaks `type` and
  // `enum` both; the list of names is the useful half.
  const enumPaths = new Set(errors.filter((error) => error.keyword === 'enum').map((error) => error.instancePath));
  for (const error of errors) {
    if (error.keyword === 'type' && enumPaths.has(error.instancePath)) continue;
    const violation = violationOf(error, data);
    const key = `${violation.field}\u0000${violation.description}`;
    if (seen.has(key)) continue;
    seen.add(key);
    violations.push(violation);
  }
  return violations;
}

function violationOf(error: ErrorObject, data: unknown): FieldViolation {
  const path = fieldPath(error.instancePath, data);
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'required':
      return { field: join(path, String(params.missingProperty)), description: 'is required' };
    case 'additionalProperties':
      return { field: join(path, String(params.additionalProperty)), description: 'is not a field of this request' };
    default:
      return { field: path, description: describe(error, params) };
  }
}

const formatNames: Readonly<Record<string, string>> = {
  [uuidFormat]: 'a UUID',
  [emailFormat]: 'an email address',
  [uriFormat]: 'an absolute URI',
  [dateTimeFormat]: 'an RFC 3339 date-time with a time zone, e.g. 2026-01-31T00:00:00Z',
  int32: 'a 32-bit integer',
};

const typeNames: Readonly<Record<string, string>> = {
  object: 'a JSON object',
  array: 'an array',
  string: 'a string',
  integer: 'an integer',
  number: 'a number',
  boolean: 'true or false',
};

function describe(error: ErrorObject, params: Record<string, unknown>): string {
  switch (error.keyword) {
    case 'type':
      return `must be ${typeNames[String(params.type)] ?? String(params.type)}`;
    case 'format':
      return `must be ${formatNames[String(params.format)] ?? `in the format ${String(params.format)}`}`;
    case 'enum':
      return `must be one of ${(params.allowedValues as unknown[]).map(String).join(', ')}`;
    case 'minLength':
      return atLeast(params.limit, 'character');
    case 'maxLength':
      return `must be at most ${count(params.limit, 'character')}`;
    case 'pattern':
      return `must match the pattern ${String(params.pattern)}`;
    case 'minimum':
      return `must be at least ${String(params.limit)}`;
    case 'maximum':
      return `must be at most ${String(params.limit)}`;
    case 'exclusiveMinimum':
      return `must be greater than ${String(params.limit)}`;
    case 'exclusiveMaximum':
      return `must be less than ${String(params.limit)}`;
    case 'minItems':
      return atLeast(params.limit, 'item');
    case 'maxItems':
      return `must have at most ${count(params.limit, 'item')}`;
    case 'uniqueItems':
      return `must not repeat an item (items ${String(params.j)} and ${String(params.i)} are equal)`;
    case 'minProperties':
      return atLeast(params.limit, 'entry');
    case 'maxProperties':
      return `must have at most ${count(params.limit, 'entry')}`;
    case maxDepthKeyword:
      return `must nest at most ${String(params.limit)} levels deep`;
    // The derived schemas use `not` and `const` only for a required field's zero value
    // (0 for a number, false for a bool): see requiredZeroSchema.
    case 'not':
    case 'const':
      return 'is required';
    default:
      return error.message ?? 'is invalid';
  }
}

/** A lower bound of 1 is the usual one: not empty. */
function atLeast(limit: unknown, unit: string): string {
  return limit === 1 ? 'must not be empty' : `must ${unit === 'character' ? 'be' : 'have'} at least ${count(limit, unit)}`;
}

function count(limit: unknown, unit: string): string {
  if (limit === 1) return `1 ${unit}`;
  return `${String(limit)} ${unit === 'entry' ? 'entries' : `${unit}s`}`;
}

/** `/items/2/name` → `items[2].name`, reading `data` to tell a list index from a map key. */
function fieldPath(pointer: string, data: unknown): string {
  if (pointer === '') return '';
  let path = '';
  let value = data;
  for (const encoded of pointer.slice(1).split('/')) {
    const segment = encoded.replaceAll('~1', '/').replaceAll('~0', '~');
    path = Array.isArray(value) ? `${path}[${segment}]` : join(path, segment);
    value = typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[segment] : undefined;
  }
  return path;
}

function join(path: string, name: string): string {
  return path === '' ? name : `${path}.${name}`;
}
