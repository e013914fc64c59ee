import type { DescField } from '@bufbuild/protobuf';
import { fieldJsonSchema, isRequiredField, messageJsonSchema, type JsonSchema } from '@causeloop/platform/validation';
import type { RoutedRpc } from './http-rules.js';

/** What fastify validates a route's request with: `schema: { params, querystring, body }`. */
export interface RouteSchemas {
  readonly params: JsonSchema;
  readonly querystring: JsonSchema;
  readonly body?: JsonSchema;
}

const pageRequestTypeName = 'causeloop.common.v1.PageRequest';

/** One query parameter: its name in the URL and the path of the request field it sets. */
export interface QueryParameter {
  readonly name: string;
  readonly path: readonly string[];
  readonly field: DescField;
  /** The field must be given (its rules say `required`). */
  readonly required: boolean;
}

/**
 * A route's request schemas, derived from its request message's FieldRules through the
 * platform's `messageJsonSchema`, split as the HTTP rule splits the message: path
 * fields, the body (the whole message less the path fields for `body: "*"`, or one field)
 * and the query string (the rest). Unknown query parameters and body fields are refused.
 */
export function routeSchemas(route: RoutedRpc): RouteSchemas {
  const pathNames = route.pathFields.map((field) => field.name);
  const params = objectOf(
    route.pathFields.map((field) => [field.name, fieldJsonSchema(field)]),
    pathNames,
  );
  const query = queryParameters(route);
  const querystring = objectOf(
    query.map((parameter) => [parameter.name, fieldJsonSchema(parameter.field)]),
    query.filter((parameter) => parameter.required).map((parameter) => parameter.name),
  );
  if (route.body === undefined) return { params, querystring };
  const body = route.body === '*' ? messageJsonSchema(route.method.input, { omit: pathNames }) : fieldJsonSchema(route.body);
  return { params, querystring, body };
}

/**
 * The query parameters of a route: none when the body is the whole message, else the
 * fields bound neither by the path nor the body. Scalar, enum and repeated fields go by
 * name; a message field's scalar fields as `field.name` (grpc-gateway's convention),
 * except DESIGN §7's list parameters `limit` and `cursor` for a `page` field.
 */
export function queryParameters(route: RoutedRpc): QueryParameter[] {
  if (route.body === '*') return [];
  const message = route.method.input;
  const taken = new Set([...route.pathFields, ...(route.body === undefined ? [] : [route.body])].map((field) => field.name));
  const parameters: QueryParameter[] = [];
  for (const field of message.fields) {
    if (taken.has(field.name) || field.fieldKind === 'map') continue;
    if (field.fieldKind !== 'message') {
      parameters.push({ name: field.name, path: [field.name], field, required: isRequiredField(field) });
      continue;
    }
    const isPage = field.name === 'page' && field.message.typeName === pageRequestTypeName;
    const shorthand = isPage && !message.fields.some((f) => f.name === 'limit' || f.name === 'cursor');
    for (const nested of field.message.fields) {
      if (nested.fieldKind !== 'scalar' && nested.fieldKind !== 'enum') continue;
      const name = shorthand ? nested.name : `${field.name}.${nested.name}`;
      parameters.push({ name, path: [field.name, nested.name], field: nested, required: false });
    }
  }
  return parameters;
}

function objectOf(properties: readonly (readonly [string, JsonSchema])[], required: readonly string[]): JsonSchema {
  return {
    type: 'object',
    additionalProperties: false,
    properties: Object.fromEntries(properties),
    ...(required.length > 0 ? { required } : {}),
  };
}
