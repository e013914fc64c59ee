import { ScalarType, type DescEnum, type DescField, type DescMessage } from '@bufbuild/protobuf';
import type { RoutedRpc } from '../routes/http-rules.js';

export type JsonSchema = Readonly<Record<string, unknown>>;

export interface OpenApiDocument {
  readonly openapi: '3.1.0';
  readonly info: { readonly title: string; readonly version: string };
  readonly paths: Readonly<Record<string, Readonly<Record<string, OpenApiOperation>>>>;
  readonly components: {
    readonly schemas: Readonly<Record<string, JsonSchema>>;
    readonly securitySchemes: Readonly<Record<string, JsonSchema>>;
  };
}

export interface OpenApiOperation {
  readonly operationId: string;
  readonly summary: string;
  readonly tags: readonly string[];
  readonly parameters: readonly JsonSchema[];
  readonly requestBody?: JsonSchema;
  readonly responses: Readonly<Record<string, JsonSchema>>;
  readonly security: readonly Readonly<Record<string, readonly string[]>>[];
  readonly 'x-required-scope'?: string;
}

const pageRequestTypeName = 'causeloop.common.v1.PageRequest';

/** Well-known types travel as their proto JSON forms, not as objects. */
const wellKnown: Readonly<Record<string, JsonSchema>> = {
  'google.protobuf.Timestamp': { type: 'string', format: 'date-time' },
  'google.protobuf.Duration': { type: 'string', pattern: '^-?\\d+(\\.\\d+)?s$' },
  'google.protobuf.Empty': { type: 'object', additionalProperties: false },
  'google.protobuf.Struct': { type: 'object' },
  'google.protobuf.Value': {},
};

const problemSchema: JsonSchema = {
  type: 'object',
  description: 'RFC 9457 problem details',
  required: ['type', 'title', 'status', 'detail', 'code', 'trace_id'],
  properties: {
    type: { type: 'string', format: 'uri' },
    title: { type: 'string' },
    status: { type: 'integer' },
    detail: { type: 'string' },
    code: { type: 'string', description: 'stable snake_case error code' },
    trace_id: { type: 'string' },
    violations: {
      type: 'array',
      items: { type: 'object', properties: { field: { type: 'string' }, description: { type: 'string' } } },
    },
  },
};

/**
 * The OpenAPI 3.1 document of exactly the routes the router serves, built from the same
 * `RoutedRpc` list, so the two cannot drift. Field names are the proto (snake_case) names
 * the JSON mapping uses.
 */
export function buildOpenApi(routes: readonly RoutedRpc[], info: { title: string; version: string }): OpenApiDocument {
  const schemas: Record<string, JsonSchema> = { Problem: problemSchema };
  const refTo = (message: DescMessage): JsonSchema => {
    const known = wellKnown[message.typeName];
    if (known !== undefined) return known;
    if (!(message.typeName in schemas)) {
      schemas[message.typeName] = {}; // placeholder first: messages may be recursive
      schemas[message.typeName] = messageSchema(message, [], refTo);
    }
    return { $ref: `#/components/schemas/${message.typeName}` };
  };

  const paths: Record<string, Record<string, OpenApiOperation>> = {};
  for (const route of routes) {
    const input = route.method.input;
    const pathNames = route.pathFields.map((f) => f.name);
    const parameters: JsonSchema[] = route.pathFields.map((field) => ({
      name: field.name,
      in: 'path',
      required: true,
      schema: fieldSchema(field, refTo),
    }));
    if (route.body === undefined) parameters.push(...queryParameters(input, pathNames, refTo));
    else if (route.body !== '*') parameters.push(...queryParameters(input, [...pathNames, route.body.name], refTo));

    let requestBody: JsonSchema | undefined;
    if (route.body === '*') {
      const schema = pathNames.length === 0 ? refTo(input) : messageSchema(input, pathNames, refTo);
      requestBody = { required: true, content: { 'application/json': { schema } } };
    } else if (route.body !== undefined) {
      requestBody = { required: true, content: { 'application/json': { schema: fieldSchema(route.body, refTo) } } };
    }

    const operation: OpenApiOperation = {
      operationId: `${route.service.name}_${route.method.name}`,
      summary: `${route.service.name}.${route.method.name}`,
      tags: [route.service.name],
      parameters,
      ...(requestBody === undefined ? {} : { requestBody }),
      responses: {
        '200': { description: 'OK', content: { 'application/json': { schema: refTo(route.method.output) } } },
        default: {
          description: 'Error',
          content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
        },
      },
      // Scopes as role names of a bearer scheme are allowed by OpenAPI 3.1; public routes say so explicitly.
      security: route.scope === undefined ? [] : [{ bearer: [route.scope] }],
      ...(route.scope === undefined ? {} : { 'x-required-scope': route.scope }),
    };
    const path = (paths[route.pathTemplate] ??= {});
    path[route.httpMethod.toLowerCase()] = operation;
  }
  return {
    openapi: '3.1.0',
    info,
    paths,
    components: {
      schemas,
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'Causeloop access token, clp_pat_… or clp_sa_…' } },
    },
  };
}

function messageSchema(message: DescMessage, omit: readonly string[], refTo: (m: DescMessage) => JsonSchema): JsonSchema {
  const properties: Record<string, JsonSchema> = {};
  for (const field of message.fields) {
    if (!omit.includes(field.name)) properties[field.name] = fieldSchema(field, refTo);
  }
  return { type: 'object', additionalProperties: false, properties };
}

/** Query parameters of a body-less route: scalar fields, and `limit`/`cursor` for a `page` field (DESIGN §7). */
function queryParameters(message: DescMessage, omit: readonly string[], refTo: (m: DescMessage) => JsonSchema): JsonSchema[] {
  const parameters: JsonSchema[] = [];
  for (const field of message.fields) {
    if (omit.includes(field.name)) continue;
    if (field.fieldKind === 'message') {
      const prefix = field.message.typeName === pageRequestTypeName ? '' : `${field.name}.`;
      for (const nested of field.message.fields) {
        if (nested.fieldKind === 'scalar' || nested.fieldKind === 'enum') {
          parameters.push({ name: `${prefix}${nested.name}`, in: 'query', required: false, schema: fieldSchema(nested, refTo) });
        }
      }
    } else if (field.fieldKind !== 'map') {
      parameters.push({ name: field.name, in: 'query', required: false, schema: fieldSchema(field, refTo) });
    }
  }
  return parameters;
}

function fieldSchema(field: DescField, refTo: (m: DescMessage) => JsonSchema): JsonSchema {
  switch (field.fieldKind) {
    case 'scalar':
      return scalarSchema(field.scalar);
    case 'enum':
      return enumSchema(field.enum);
    case 'message':
      return refTo(field.message);
    case 'list': {
      const items =
        field.listKind === 'scalar' ? scalarSchema(field.scalar) : field.listKind === 'enum' ? enumSchema(field.enum) : refTo(field.message);
      return { type: 'array', items };
    }
    case 'map': {
      const values =
        field.mapKind === 'scalar' ? scalarSchema(field.scalar) : field.mapKind === 'enum' ? enumSchema(field.enum) : refTo(field.message);
      return { type: 'object', additionalProperties: values };
    }
  }
}

function enumSchema(descEnum: DescEnum): JsonSchema {
  return { type: 'string', enum: descEnum.values.map((v) => v.name) };
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
      return { type: 'integer', format: 'int32', minimum: 0 };
    default:
      // 64-bit integers are strings in proto JSON (they do not fit a JavaScript number).
      return { type: 'string', format: 'int64', pattern: '^-?\\d+$' };
  }
}
