import { toJson, type DescMessage, type Message } from '@bufbuild/protobuf';
import type { FieldViolation } from '../errors/causeloop-error.js';
import { invalidFields } from '../errors/common-errors.js';
import { messageJsonSchema } from './message-json-schema.js';
import { createSchemaCompiler, type JsonValidator, type SchemaCompiler } from './schema-compiler.js';

/** Checks decoded request messages against their FieldRules. */
export interface RequestValidator {
  /** Derives the message's schema now, so a rule that does not fit its field fails start-up; ajv compiles it on first use. */
  prepare(schema: DescMessage): void;
  /** Every violated rule of the message; empty when it is valid. */
  violations(schema: DescMessage, message: Message): FieldViolation[];
  /** Throws `invalid_argument` naming every violated field (`invalidFields`). */
  assertValid(schema: DescMessage, message: Message): void;
}

/**
 * Validates a decoded message with the same JSON Schema the gateway validates the JSON
 * body with (`messageJsonSchema`), run over the message's proto-JSON form: one set of
 * rules and one engine, so a gRPC caller and an HTTP caller get the same violations for
 * the same field. A proto3 field holding its zero value is absent from that form, which
 * is what "not set" means over gRPC.
 */
export function createRequestValidator(compiler: SchemaCompiler = createSchemaCompiler()): RequestValidator {
  const validators = new WeakMap<DescMessage, JsonValidator>();
  const validatorFor = (schema: DescMessage): JsonValidator => {
    let validator = validators.get(schema);
    if (validator === undefined) {
      validator = compiler.compile(messageJsonSchema(schema));
      validators.set(schema, validator);
    }
    return validator;
  };
  const violations = (schema: DescMessage, message: Message): FieldViolation[] => {
    let json: unknown;
    try {
      json = toJson(schema, message, { useProtoFieldName: true });
    } catch (error) {
      // A value proto JSON cannot express (a Timestamp past year 9999, say).
      return [{ field: '', description: error instanceof Error ? error.message : 'cannot be read as JSON' }];
    }
    return validatorFor(schema)(json);
  };
  return {
    prepare: (schema) => void validatorFor(schema),
    violations,
    assertValid(schema, message) {
      const found = violations(schema, message);
      if (found.length > 0) throw invalidFields(found);
    },
  };
}
