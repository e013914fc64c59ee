import {
  fromJson,
  ScalarType,
  toJson,
  type DescField,
  type DescMessage,
  type JsonObject,
  type JsonValue,
  type Message,
} from '@bufbuild/protobuf';
import { CauseloopError } from '@causeloop/platform/errors';
import type { RoutedRpc } from './http-rules.js';

export type QueryValues = Readonly<Record<string, string | readonly string[] | undefined>>;

const pageRequestTypeName = 'causeloop.common.v1.PageRequest';

/**
 * Builds the request message from path parameters, query string and JSON body, then
 * decodes it with protobuf's own JSON mapping, refusing unknown fields: a typo in a field
 * name is a 400, not a silently ignored option. Path parameters win over the body: the
 * URL is what was authorised and logged.
 */
export function requestFromHttp(
  route: RoutedRpc,
  input: { params: Readonly<Record<string, string>>; query: QueryValues; body: unknown },
): Message {
  const json = bodyJson(route, input.body);
  const queryKeys = Object.keys(input.query);
  if (route.body === '*' && queryKeys.length > 0) {
    throw invalid(`this route takes its fields in the JSON body, not the query string (got ${queryKeys.join(', ')})`);
  }
  for (const key of queryKeys) {
    const value = input.query[key];
    if (value === undefined) continue;
    setFieldPath(json, route.method.input, queryPath(route.method.input, key), value);
  }
  for (const field of route.pathFields) {
    const value = input.params[field.name];
    if (value !== undefined) json[field.name] = scalarFromText(field, value);
  }
  try {
    return fromJson(route.method.input, json, { ignoreUnknownFields: false });
  } catch (error) {
    throw invalid(error instanceof Error ? error.message : 'the request does not match its schema');
  }
}

/** Snake_case JSON, with implicit defaults written out so `has_more: false` and `data: []` are visible. */
export function responseToJson(schema: DescMessage, message: Message): JsonValue {
  return toJson(schema, message, { useProtoFieldName: true, alwaysEmitImplicit: true });
}

function bodyJson(route: RoutedRpc, body: unknown): JsonObject {
  if (route.body === undefined) {
    if (body !== undefined && body !== null) throw invalid('this route takes no request body');
    return {};
  }
  if (route.body === '*') {
    if (body === undefined || body === null) return {};
    if (!isJsonObject(body)) throw invalid('the request body must be a JSON object');
    return { ...body };
  }
  return body === undefined ? {} : { [route.body.name]: body as JsonValue };
}

/**
 * `a.b` addresses a nested field (grpc-gateway's convention). DESIGN §7's list parameters
 * `?limit=` and `?cursor=` are shorthands for the request's `page` field.
 */
function queryPath(schema: DescMessage, key: string): string[] {
  const page = schema.fields.find((f) => f.name === 'page');
  const isPageShorthand =
    (key === 'limit' || key === 'cursor') &&
    findField(schema, key) === undefined &&
    page?.fieldKind === 'message' &&
    page.message.typeName === pageRequestTypeName;
  return isPageShorthand ? ['page', key] : key.split('.');
}

function setFieldPath(json: JsonObject, schema: DescMessage, path: readonly string[], value: string | readonly string[]): void {
  let target = json;
  let message = schema;
  for (const [index, name] of path.entries()) {
    const field = findField(message, name);
    if (field === undefined) throw invalid(`unknown query parameter "${path.join('.')}"`);
    if (index === path.length - 1) {
      target[field.name] = queryValue(field, value, path.join('.'));
      return;
    }
    if (field.fieldKind !== 'message') throw invalid(`query parameter "${path.join('.')}" does not name a field`);
    const existing = target[field.name];
    const next: JsonObject = isJsonObject(existing) ? { ...existing } : {};
    target[field.name] = next;
    target = next;
    message = field.message;
  }
}

function queryValue(field: DescField, value: string | readonly string[], name: string): JsonValue {
  const values = typeof value === 'string' ? [value] : value;
  if (field.fieldKind === 'list' && (field.listKind === 'scalar' || field.listKind === 'enum')) {
    return values.map((v) => scalarFromText(field, v));
  }
  if (field.fieldKind !== 'scalar' && field.fieldKind !== 'enum') throw invalid(`query parameter "${name}" cannot be set from the query string`);
  if (values.length !== 1) throw invalid(`query parameter "${name}" is given more than once`);
  return scalarFromText(field, values[0] ?? '');
}

/**
 * Path and query values are text. Proto JSON already accepts numbers, 64-bit integers,
 * enums and bytes as strings; only booleans need converting.
 */
function scalarFromText(field: DescField, text: string): JsonValue {
  const isBool =
    (field.fieldKind === 'scalar' && field.scalar === ScalarType.BOOL) ||
    (field.fieldKind === 'list' && field.listKind === 'scalar' && field.scalar === ScalarType.BOOL);
  if (!isBool) return text;
  if (text === 'true') return true;
  if (text === 'false') return false;
  throw invalid(`"${field.name}" must be true or false`);
}

function findField(schema: DescMessage, name: string): DescField | undefined {
  return schema.fields.find((f) => f.name === name || f.jsonName === name);
}

function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function invalid(detail: string): CauseloopError {
  return new CauseloopError('invalid_argument', detail);
}
