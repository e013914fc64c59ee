import { ScalarType, type DescEnum, type DescField, type DescMessage } from '@bufbuild/protobuf';
import { FeatureSet_FieldPresence } from '@bufbuild/protobuf/wkt';
import {
  StringFormat,
  type FieldRules,
  type MapRules,
  type NumberRules,
  type StringRules,
} from '@causeloop/proto/causeloop/common/v1/validation_pb.js';
import { fieldRulesOf } from './field-rules.js';
import { dateTimeFormat, emailFormat, maxDepthKeyword, uriFormat, uuidFormat } from './schema-formats.js';

/** A JSON Schema (the subset shared by draft-07, which ajv runs, and 2020-12, which OpenAPI 3.1 uses). */
export type JsonSchema = { readonly [keyword: string]: unknown };

export interface JsonSchemaOptions {
  /**
   * How a nested message is written. By default it is inlined, which suits a validator
   * (a recursive message then throws); the OpenAPI document passes one that files the
   * message under `components` and answers a `$ref`.
   */
  readonly refTo?: (message: DescMessage) => JsonSchema;
  /** Fields to leave out, e.g. those a route binds from its path. */
  readonly omit?: readonly string[];
}

/**
 * The JSON Schema of a message's proto-JSON form with the snake_case field names the
 * gateway's JSON mapping uses, carrying the message's FieldRules: `required`, lengths,
 * patterns, formats, ranges, item counts, allowed enum names, map sizes and depth.
 * Unknown fields are refused (`additionalProperties: false`). This is the one source of
 * message schemas: the gateway's edge validation, the gRPC server's request validation
 * and the OpenAPI document all derive from it. Throws when a rule does not fit its field.
 */
export function messageJsonSchema(message: DescMessage, options: JsonSchemaOptions = {}): JsonSchema {
  return wellKnownSchemas[message.typeName] ?? objectSchema(message, options.omit ?? [], nesting(options));
}

/** The schema of one field's JSON value with its rules (whether it is required is the parent's `required`). */
export function fieldJsonSchema(field: DescField, options: JsonSchemaOptions = {}): JsonSchema {
  return fieldSchema(field, nesting(options));
}

/** Whether the field's rules say it must be set (so it belongs in its message's `required`). */
export function isRequiredField(field: DescField): boolean {
  return fieldRulesOf(field)?.required === true;
}

/** Well-known types travel as their proto JSON forms, not as the messages they are. */
const wellKnownSchemas: Readonly<Record<string, JsonSchema>> = {
  'google.protobuf.Timestamp': { type: 'string', format: dateTimeFormat },
  'google.protobuf.Duration': { type: 'string', pattern: '^-?\\d+(\\.\\d+)?s$' },
  'google.protobuf.FieldMask': { type: 'string' },
  'google.protobuf.Empty': { type: 'object', additionalProperties: false },
  'google.protobuf.Struct': { type: 'object' },
  'google.protobuf.ListValue': { type: 'array' },
  'google.protobuf.Value': {},
};

const freeFormTypes: ReadonlySet<string> = new Set(['google.protobuf.Struct', 'google.protobuf.Value', 'google.protobuf.ListValue']);

type Nest = (message: DescMessage) => JsonSchema;
/** Makes the start-up error for a rule that does not fit its field. */
type Fail = (reason: string) => Error;

/** Nested messages through `refTo`, or inlined with a guard against recursion. */
function nesting(options: JsonSchemaOptions): Nest {
  if (options.refTo !== undefined) return options.refTo;
  const open: string[] = [];
  const inline: Nest = (message) => {
    if (open.includes(message.typeName)) {
      throw new Error(`${message.typeName} is recursive: its schema needs refTo to be written down`);
    }
    open.push(message.typeName);
    try {
      return objectSchema(message, [], inline);
    } finally {
      open.pop();
    }
  };
  return inline;
}

function objectSchema(message: DescMessage, omit: readonly string[], nest: Nest): JsonSchema {
  const properties: Record<string, JsonSchema> = {};
  const required: string[] = [];
  for (const field of message.fields) {
    if (omit.includes(field.name)) continue;
    properties[field.name] = fieldSchema(field, nest);
    if (isRequiredField(field)) required.push(field.name);
  }
  return { type: 'object', additionalProperties: false, properties, ...(required.length > 0 ? { required } : {}) };
}

function fieldSchema(field: DescField, nest: Nest): JsonSchema {
  const rules = fieldRulesOf(field);
  const fail: Fail = (reason) => new Error(`${field.parent.typeName}.${field.name} (${describeKind(field)}): ${reason}`);
  if (rules?.repeated !== undefined && field.fieldKind !== 'list') throw fail('repeated rules fit only a repeated field');
  const required = rules?.required === true;
  // A proto3 field without presence holding its zero value was not sent: over gRPC it is
  // simply absent (and `required` catches it), in a JSON body it must be refused by value.
  const zeroRefused = required && field.presence === FeatureSet_FieldPresence.IMPLICIT;

  switch (field.fieldKind) {
    case 'scalar': {
      const schema = scalarValueSchema(field.scalar, rules, fail);
      return zeroRefused ? refuseZero(field.scalar, schema) : schema;
    }
    case 'enum':
      return enumValueSchema(field.enum, rules, zeroRefused, fail);
    case 'message':
      return messageValueSchema(field.message, rules, nest, fail);
    case 'list': {
      const items =
        field.listKind === 'scalar'
          ? scalarValueSchema(field.scalar, rules, fail)
          : field.listKind === 'enum'
            ? enumValueSchema(field.enum, rules, false, fail)
            : messageValueSchema(field.message, rules, nest, fail);
      const list = rules?.repeated;
      const minItems = Math.max(required ? 1 : 0, list?.minItems ?? 0);
      return {
        type: 'array',
        items,
        ...(minItems > 0 ? { minItems } : {}),
        ...(list?.maxItems === undefined ? {} : { maxItems: list.maxItems }),
        ...(list?.unique === true ? { uniqueItems: true } : {}),
      };
    }
    case 'map': {
      if (rules !== undefined && rules.type.case !== undefined && rules.type.case !== 'map') throw fail(`${rules.type.case} rules do not fit a map`);
      const values =
        field.mapKind === 'scalar'
          ? scalarValueSchema(field.scalar, undefined, fail)
          : field.mapKind === 'enum'
            ? enumValueSchema(field.enum, undefined, false, fail)
            : messageValueSchema(field.message, undefined, nest, fail);
      const bounds = rules?.type.case === 'map' ? rules.type.value : undefined;
      return { type: 'object', additionalProperties: values, ...mapBounds(bounds, required) };
    }
  }
}

function scalarValueSchema(scalar: ScalarType, rules: FieldRules | undefined, fail: Fail): JsonSchema {
  const base = scalarSchema(scalar);
  if (rules?.type.case === undefined) return base;
  switch (rules.type.case) {
    case 'string':
      if (scalar !== ScalarType.STRING) throw fail('string rules fit only a string');
      return { ...base, ...stringBounds(rules.type.value, fail) };
    case 'number':
      if (base.type !== 'integer' && base.type !== 'number') {
        throw fail('number rules fit only 32-bit integers, float and double (64-bit integers are JSON strings)');
      }
      return { ...base, ...numberBounds(rules.type.value) };
    default:
      throw fail(`${rules.type.case} rules do not fit a scalar`);
  }
}

function scalarSchema(scalar: ScalarType): JsonSchema {
  switch (scalar) {
    case ScalarType.BOOL:
      return { type: 'boolean' };
    case ScalarType.STRING:
      return { type: 'string' };
    case ScalarType.BYTES:
      return { type: 'string', contentEncoding: 'base64' };
    case ScalarType.DOUBLE:
    case ScalarType.FLOAT:
      return { type: 'number' };
    case ScalarType.INT32:
    case ScalarType.SINT32:
    case ScalarType.SFIXED32:
      return { type: 'integer', format: 'int32' };
    case ScalarType.UINT32:
    case ScalarType.FIXED32:
      return { type: 'integer', minimum: 0, maximum: 4_294_967_295 };
    case ScalarType.UINT64:
    case ScalarType.FIXED64:
      return { type: 'string', format: 'int64', pattern: '^\\d+$' };
    default:
      // 64-bit integers are strings in proto JSON (they do not fit a JavaScript number).
      return { type: 'string', format: 'int64', pattern: '^-?\\d+$' };
  }
}

const stringFormats: Readonly<Record<StringFormat, string | undefined>> = {
  [StringFormat.UNSPECIFIED]: undefined,
  [StringFormat.UUID]: uuidFormat,
  [StringFormat.EMAIL]: emailFormat,
  [StringFormat.URI]: uriFormat,
  [StringFormat.DATE_TIME]: dateTimeFormat,
};

function stringBounds(rules: StringRules, fail: Fail): JsonSchema {
  if (rules.pattern !== '') {
    try {
      new RegExp(rules.pattern, 'u');
    } catch {
      throw fail(`pattern ${JSON.stringify(rules.pattern)} is not a valid Unicode regular expression`);
    }
  }
  const format = stringFormats[rules.format];
  return {
    ...(rules.minLen === undefined ? {} : { minLength: rules.minLen }),
    ...(rules.maxLen === undefined ? {} : { maxLength: rules.maxLen }),
    ...(rules.pattern === '' ? {} : { pattern: rules.pattern }),
    ...(format === undefined ? {} : { format }),
  };
}

function numberBounds(rules: NumberRules): JsonSchema {
  return {
    ...(rules.gte === undefined ? {} : { minimum: rules.gte }),
    ...(rules.lte === undefined ? {} : { maximum: rules.lte }),
    ...(rules.gt === undefined ? {} : { exclusiveMinimum: rules.gt }),
    ...(rules.lt === undefined ? {} : { exclusiveMaximum: rules.lt }),
  };
}

/**
 * A required field without presence must not hold its zero value. Strings and bytes get a
 * minimum length; numbers whose bounds still allow 0 refuse it with `not`, a bool with
 * `const` (schema-violations.ts reads those two keywords as "is required").
 */
function refuseZero(scalar: ScalarType, schema: JsonSchema): JsonSchema {
  if (scalar === ScalarType.STRING || scalar === ScalarType.BYTES) {
    return { ...schema, minLength: Math.max(1, Number(schema.minLength ?? 0)) };
  }
  if (scalar === ScalarType.BOOL) return { ...schema, const: true };
  if (schema.type === 'string') return { ...schema, not: { const: '0' } };
  if (excludesZero(schema)) return schema;
  return { ...schema, not: { const: 0 } };
}

function excludesZero(schema: JsonSchema): boolean {
  const number = (key: string): number | undefined => (typeof schema[key] === 'number' ? (schema[key] as number) : undefined);
  const minimum = number('minimum');
  const maximum = number('maximum');
  const above = number('exclusiveMinimum');
  const below = number('exclusiveMaximum');
  return (
    (minimum !== undefined && minimum > 0) ||
    (maximum !== undefined && maximum < 0) ||
    (above !== undefined && above >= 0) ||
    (below !== undefined && below <= 0)
  );
}

function enumValueSchema(
  descEnum: DescEnum,
  rules: FieldRules | undefined,
  zeroRefused: boolean,
  fail: Fail,
): JsonSchema {
  if (rules !== undefined && rules.type.case !== undefined && rules.type.case !== 'enum') throw fail(`${rules.type.case} rules do not fit an enum`);
  const allowed = rules?.type.case === 'enum' ? rules.type.value.in : [];
  const refused = rules?.type.case === 'enum' ? rules.type.value.notIn : [];
  const values = descEnum.values.filter(
    (value) =>
      (allowed.length === 0 || allowed.includes(value.number)) &&
      !refused.includes(value.number) &&
      !(zeroRefused && value.number === 0),
  );
  if (values.length === 0) throw fail('the enum rules allow no value');
  return { type: 'string', enum: values.map((value) => value.name) };
}

function messageValueSchema(message: DescMessage, rules: FieldRules | undefined, nest: Nest, fail: Fail): JsonSchema {
  const known = wellKnownSchemas[message.typeName];
  if (rules?.type.case === undefined) return known ?? nest(message);
  switch (rules.type.case) {
    case 'map':
      if (known === undefined || !freeFormTypes.has(message.typeName)) throw fail('map rules fit only maps, Struct, Value and ListValue');
      if (message.typeName !== 'google.protobuf.Struct' && (rules.type.value.minPairs !== undefined || rules.type.value.maxPairs !== undefined)) {
        throw fail('only max_depth fits a Value or ListValue');
      }
      return { ...known, ...mapBounds(rules.type.value, false) };
    default:
      throw fail(`${rules.type.case} rules do not fit a message`);
  }
}

function mapBounds(rules: MapRules | undefined, required: boolean): JsonSchema {
  const minProperties = Math.max(required ? 1 : 0, rules?.minPairs ?? 0);
  return {
    ...(minProperties > 0 ? { minProperties } : {}),
    ...(rules?.maxPairs === undefined ? {} : { maxProperties: rules.maxPairs }),
    ...(rules?.maxDepth === undefined ? {} : { [maxDepthKeyword]: rules.maxDepth }),
  };
}

function describeKind(field: DescField): string {
  switch (field.fieldKind) {
    case 'scalar':
      return ScalarType[field.scalar].toLowerCase();
    case 'enum':
      return `enum ${field.enum.typeName}`;
    case 'message':
      return `message ${field.message.typeName}`;
    case 'list':
      return 'repeated';
    case 'map':
      return 'map';
  }
}
