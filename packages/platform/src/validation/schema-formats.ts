import type { Ajv, SchemaValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { isUuid } from '../ids/uuid.js';

/** The `format` a StringFormat stands for; also the name the OpenAPI document shows. */
export const uuidFormat = 'uuid';
export const emailFormat = 'email';
export const uriFormat = 'uri';
export const dateTimeFormat = 'date-time';

// RFC 3339 with a required zone; `Date` parses every string this accepts, so a handler may
// turn a checked value into a Date without a second check.
const rfc3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/i;

function isDateTime(value: string): boolean {
  return rfc3339.test(value) && !Number.isNaN(Date.parse(value));
}

/**
 * The custom keyword bounding how deeply free-form data (a map, a google.protobuf.Struct)
 * nests. JSON Schema has no such keyword, so it is an `x-` extension: OpenAPI tools show it
 * and ignore it, the two validators here enforce it.
 */
export const maxDepthKeyword = 'x-max-depth';

/** Nesting depth of a JSON value: a scalar is 0, an object or array of scalars 1. */
export function jsonDepth(value: unknown): number {
  if (typeof value !== 'object' || value === null) return 0;
  let deepest = 0;
  for (const item of Object.values(value)) deepest = Math.max(deepest, jsonDepth(item));
  return deepest + 1;
}

/**
 * Formats and keywords every schema derived from FieldRules may use, added to an ajv
 * instance. The gateway's edge and the gRPC server both compile with them, so a value means
 * the same on either path. `uuid` is the platform's own (no `urn:uuid:` prefix, which
 * `canonicalUuid` would refuse); `date-time` is RFC 3339 as `Date` reads it.
 */
export function addSchemaVocabulary(ajv: Ajv): Ajv {
  addFormats.default(ajv, { formats: [emailFormat, uriFormat, 'int32', 'int64'] });
  ajv.addFormat(uuidFormat, { type: 'string', validate: isUuid });
  ajv.addFormat(dateTimeFormat, { type: 'string', validate: isDateTime });
  const withinDepth: SchemaValidateFunction = (maxDepth: number, data: unknown) => {
    if (jsonDepth(data) <= maxDepth) return true;
    withinDepth.errors = [{ keyword: maxDepthKeyword, message: `must nest at most ${maxDepth} levels deep`, params: { limit: maxDepth } }];
    return false;
  };
  // No `type`: it also bounds a google.protobuf.Value, whose schema names none.
  ajv.addKeyword({ keyword: maxDepthKeyword, schemaType: 'number', errors: true, validate: withinDepth });
  return ajv;
}
