import type { DescMessage } from '@bufbuild/protobuf';
import { messageJsonSchema, type JsonSchema } from '@causeloop/platform/validation';
import { isWellKnownType } from '../routes/well-known-types.js';
import { protoComment } from './proto-text.js';

export type { JsonSchema } from '@causeloop/platform/validation';

/** A message's JSON Schema: an object whose properties are the proto (snake_case) field names. */
export interface ObjectSchema {
  readonly type: 'object';
  readonly properties: Readonly<Record<string, JsonSchema>>;
  readonly required?: readonly string[];
  readonly [keyword: string]: unknown;
}

/** Messages' schemas as OpenAPI components, referenced by `$ref`. */
export interface SchemaComponents {
  /** A `$ref` to the message's component, or a well-known type's JSON form. */
  refTo(message: DescMessage): JsonSchema;
  /**
   * The message's own schema (without the fields in `omit`, which a route takes from its
   * path), with the proto comments as descriptions: for parameters and bodies.
   */
  schemaOf(message: DescMessage, omit?: readonly string[]): ObjectSchema;
  /**
   * The components `document` references, directly or through other components, by name.
   * Only those: a message taken apart into query parameters is not a component.
   */
  referencedFrom(document: unknown): Record<string, JsonSchema>;
}

const schemaRef = /"#\/components\/schemas\/([^"]+)"/g;

/**
 * Message schemas from the platform's `messageJsonSchema`, the one that the gateway and the
 * gRPC servers validate requests with, so the document shows the same `required`, bounds,
 * formats and enums they enforce.
 */
export function createSchemaComponents(): SchemaComponents {
  const referenced = new Map<string, DescMessage>();
  const refTo = (message: DescMessage): JsonSchema => {
    // A well-known type (Timestamp, Struct, Empty…) is written as its proto JSON form.
    if (isWellKnownType(message)) return messageJsonSchema(message);
    referenced.set(message.typeName, message);
    return { $ref: `#/components/schemas/${message.typeName}` };
  };
  const schemaOf = (message: DescMessage, omit: readonly string[] = []): ObjectSchema =>
    describe(message, objectSchema(message, messageJsonSchema(message, { refTo, omit })));
  const referencedFrom = (document: unknown): Record<string, JsonSchema> => {
    const schemas = new Map<string, JsonSchema>();
    const pending = namesIn(document);
    for (let name = pending.pop(); name !== undefined; name = pending.pop()) {
      const message = referenced.get(name);
      if (message === undefined || schemas.has(name)) continue; // not a message (Problem), or done: messages may be recursive
      const schema = schemaOf(message);
      schemas.set(name, schema);
      pending.push(...namesIn(schema));
    }
    return Object.fromEntries([...schemas].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  };
  return { refTo, schemaOf, referencedFrom };
}

function namesIn(value: unknown): string[] {
  return [...JSON.stringify(value).matchAll(schemaRef)].map((match) => match[1] ?? '');
}

function objectSchema(message: DescMessage, schema: JsonSchema): ObjectSchema {
  const { properties, required } = schema;
  if (schema['type'] !== 'object' || typeof properties !== 'object' || properties === null) {
    throw new Error(`${message.typeName} is not written as a JSON object, so it cannot be a request or response`);
  }
  return {
    ...schema,
    type: 'object',
    properties: properties as Record<string, JsonSchema>,
    ...(Array.isArray(required) ? { required: required.map(String) } : {}),
  };
}

/**
 * Adds the proto comments of the message and its fields as `description`s, as written:
 * beside the schema's name, "ApiToken describes a token…" reads as it should.
 */
function describe(message: DescMessage, schema: ObjectSchema): ObjectSchema {
  const properties: Record<string, JsonSchema> = {};
  for (const [name, property] of Object.entries(schema.properties)) {
    const field = message.fields.find((f) => f.name === name);
    const text = field === undefined ? undefined : protoComment(field);
    properties[name] = text === undefined ? property : { ...property, description: text };
  }
  const text = protoComment(message);
  return { ...schema, ...(text === undefined ? {} : { description: text }), properties };
}
