import type { FieldViolation } from '@causeloop/platform/errors';
import { createSchemaCompiler, type JsonValidator } from '@causeloop/platform/validation';
import type { OutputSchema, OutputSchemaName } from './llm-provider.js';
import { analysisSchema, recommendationsSchema } from './output-schemas.js';

export type OutputCheck = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly violations: readonly FieldViolation[] };

/** Checks a raw answer: JSON, then the schema. One per process (ajv caches what it compiled). */
export interface OutputValidator {
  check(schema: OutputSchema, text: string): OutputCheck;
}

export function createOutputValidator(): OutputValidator {
  const compiler = createSchemaCompiler();
  // Compiled on first use, as every schema is (the offline provider's tests check both).
  const validators = new Map<OutputSchemaName, JsonValidator>([
    ['analysis', compiler.compile(analysisSchema.jsonSchema)],
    ['recommendations', compiler.compile(recommendationsSchema.jsonSchema)],
  ]);
  return {
    check(schema, text) {
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch {
        return { ok: false, violations: [{ field: '', description: 'the answer is not JSON' }] };
      }
      const violations = validators.get(schema.name)!(value);
      return violations.length === 0 ? { ok: true, value } : { ok: false, violations };
    },
  };
}
