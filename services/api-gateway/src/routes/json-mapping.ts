import { fromJson, type DescField, type DescMessage, type JsonObject, type JsonValue, type Message } from '@bufbuild/protobuf';
import { CauseloopError } from '@causeloop/platform/errors';
import type { RoutedRpc } from './http-rules.js';
import { isWellKnownType } from './well-known-types.js';

/**
 * Path parameters and query values as the route's schemas left them: validated, and
 * converted from text to the fields' JSON types (`?limit=5` is the number 5, a repeated
 * field's values a list).
 */
export type HttpValues = Readonly<Record<string, JsonValue | undefined>>;

/** Query parameter name → path of the request field it sets (`queryParameters` in route-schemas.ts). */
export type QueryPaths = ReadonlyMap<string, readonly string[]>;

/**
 * Builds the request message from path parameters, query string and JSON body, then
 * decodes it with protobuf's own JSON mapping, refusing unknown fields. It runs after the
 * route's schemas (`route-schemas.ts`) have validated each part, so what is left to refuse
 * here is only what proto JSON itself rejects. Path parameters win over the body: the URL
 * is what was authorised and logged.
 */
export function requestFromHttp(
  route: RoutedRpc,
  input: { params: HttpValues; query: HttpValues; body: unknown; queryPaths: QueryPaths },
): Message {
  const json = bodyJson(route, input.body);
  for (const [name, value] of Object.entries(input.query)) {
    const path = input.queryPaths.get(name);
    if (path === undefined) throw invalid(`unknown query parameter "${name}"`);
    if (value !== undefined) setPath(json, path, value);
  }
  for (const field of route.pathFields) {
    const value = input.params[field.name];
    if (value !== undefined) json[field.name] = value;
  }
  try {
    return fromJson(route.method.input, json, { ignoreUnknownFields: false });
  } catch (error) {
    throw invalid(error instanceof Error ? error.message : 'the request does not match its schema');
  }
}

/**
 * A body with proto JSON's lowerCamel names (`subjectToken`, which proto JSON parsers
 * accept too) renamed to the proto field names the route schemas are written in, through
 * the message's own fields and nested messages. Map keys and free-form values are data and
 * stay as sent; a name sent both ways keeps both, so the schema names the duplicate.
 */
export function withProtoFieldNames(route: RoutedRpc, body: unknown): unknown {
  if (route.body === undefined) return body;
  return route.body === '*' ? messageWithProtoNames(route.method.input, body) : valueWithProtoNames(route.body, body);
}

function messageWithProtoNames(schema: DescMessage, json: unknown): unknown {
  if (!isJsonObject(json) || isWellKnownType(schema)) return json;
  const { byJsonName: jsonNamed, byName } = fieldNames(schema);
  const renamed: JsonObject = {};
  for (const [key, value] of Object.entries(json)) {
    const candidate = jsonNamed.get(key);
    const byJsonName = candidate !== undefined && !Object.hasOwn(json, candidate.name) ? candidate : undefined;
    const field = byJsonName ?? byName.get(key);
    renamed[field?.name ?? key] = field === undefined || value === undefined ? value : (valueWithProtoNames(field, value) as JsonValue);
  }
  return renamed;
}

/** A message's fields by proto name, and by JSON name where that differs: looked up per key of every body (500 records a batch). */
const fieldNamesCache = new WeakMap<DescMessage, { byJsonName: Map<string, DescField>; byName: Map<string, DescField> }>();

function fieldNames(schema: DescMessage): { byJsonName: Map<string, DescField>; byName: Map<string, DescField> } {
  let names = fieldNamesCache.get(schema);
  if (names === undefined) {
    const byJsonName = new Map<string, DescField>();
    const byName = new Map<string, DescField>();
    for (const field of schema.fields) {
      // The first field wins, as `fields.find` did.
      if (field.jsonName !== field.name && !byJsonName.has(field.jsonName)) byJsonName.set(field.jsonName, field);
      if (!byName.has(field.name)) byName.set(field.name, field);
    }
    names = { byJsonName, byName };
    fieldNamesCache.set(schema, names);
  }
  return names;
}

function valueWithProtoNames(field: DescField, value: unknown): unknown {
  if (field.fieldKind === 'message') return messageWithProtoNames(field.message, value);
  if (field.fieldKind === 'list' && field.listKind === 'message' && Array.isArray(value)) {
    return value.map((item) => messageWithProtoNames(field.message, item));
  }
  return value;
}

function bodyJson(route: RoutedRpc, body: unknown): JsonObject {
  if (route.body === undefined) {
    if (body !== undefined && body !== null) throw invalid('this route takes no request body');
    return {};
  }
  // The body schema has made it a JSON object (an absent body reads as {}).
  if (route.body === '*') return { ...(body as JsonObject) };
  return body === undefined ? {} : { [route.body.name]: body as JsonValue };
}

function setPath(json: JsonObject, path: readonly string[], value: JsonValue): void {
  let target = json;
  for (const [index, name] of path.entries()) {
    if (index === path.length - 1) {
      target[name] = value;
      return;
    }
    const existing = target[name];
    const next: JsonObject = isJsonObject(existing) ? existing : {};
    target[name] = next;
    target = next;
  }
}

function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function invalid(detail: string): CauseloopError {
  return new CauseloopError('invalid_argument', detail);
}
