import { Ajv } from 'ajv';
import type { FieldViolation } from '../errors/causeloop-error.js';
import type { JsonSchema } from './message-json-schema.js';
import { addSchemaVocabulary } from './schema-formats.js';
import { violationsFromSchemaErrors } from './schema-violations.js';

/** Checks one value against a compiled schema: every violation, or none. */
export type JsonValidator = (data: unknown) => FieldViolation[];

export interface SchemaCompiler {
  /**
   * A validator of `schema`, which ajv compiles on its first call. Compiling every request
   * schema at start-up cost a service 10–30 MB of short-lived allocation, which its heap
   * then kept as idle resident memory, and 0.1–0.3 s, for methods a process may never
   * serve. A rule that does not fit its field still fails start-up (deriving the schema,
   * `messageJsonSchema`, refuses it); a schema ajv itself would refuse fails its first
   * call instead, which `test/validation/every-schema-compiles.test.ts` keeps from shipping.
   */
  compile(schema: JsonSchema): JsonValidator;
}

export interface SchemaCompilerOptions {
  /**
   * Convert strings to the schema's scalar types and single values to one-item lists, as
   * query strings and path parameters need (`?limit=5`). Never for JSON bodies: there `"5"`
   * where a number belongs is the caller's mistake.
   */
  readonly coerceTypes?: boolean;
}

/**
 * An ajv instance set up for the schemas `messageJsonSchema` derives: every error reported
 * (not only the first), nothing removed or defaulted behind the caller's back, strict about
 * the schemas themselves. One per owner (the gRPC server, the gateway app), not per module:
 * ajv caches what it compiled.
 */
export function createSchemaCompiler(options: SchemaCompilerOptions = {}): SchemaCompiler {
  const ajv = addSchemaVocabulary(
    new Ajv({
      allErrors: true,
      strict: true,
      coerceTypes: options.coerceTypes === true ? 'array' : false,
      useDefaults: false,
      removeAdditional: false,
    }),
  );
  const compileNow = (schema: JsonSchema): JsonValidator => {
    const validate = ajv.compile(schema);
    const inFieldOrder = byFieldOrder(schema);
    return (data) => (validate(data) ? [] : violationsFromSchemaErrors(validate.errors ?? [], data).sort(inFieldOrder));
  };
  return {
    compile(schema) {
      let compiled: JsonValidator | undefined;
      return (data) => {
        compiled ??= compileNow(schema);
        return compiled(data);
      };
    },
  };
}

/**
 * Violations in the order the fields are declared (ajv reports missing required fields
 * before the others), so a caller reads them as the message reads; unknown fields last.
 */
function byFieldOrder(schema: JsonSchema): (a: FieldViolation, b: FieldViolation) => number {
  const names = Object.keys((schema['properties'] ?? {}) as object);
  const rank = (violation: FieldViolation): number => {
    const index = names.indexOf(/^[^.[]*/.exec(violation.field)?.[0] ?? '');
    return index === -1 ? names.length : index;
  };
  return (a, b) => rank(a) - rank(b);
}
