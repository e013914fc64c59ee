import type { DescMessage, DescService } from '@bufbuild/protobuf';
import type { RoutedRpc, SuccessStatus } from '../routes/http-rules.js';
import { createSharedComponents, problemSchema, takesIdempotencyKey } from './shared-components.js';
import { createSchemaComponents, type JsonSchema, type ObjectSchema } from './message-schemas.js';
import { operationText, proseOf } from './proto-text.js';

export type { JsonSchema } from './message-schemas.js';

export interface OpenApiDocument {
  readonly openapi: '3.1.0';
  readonly info: OpenApiInfo;
  readonly servers: readonly { readonly url: string; readonly description: string }[];
  readonly tags: readonly { readonly name: string; readonly description?: string }[];
  readonly paths: Readonly<Record<string, Readonly<Record<string, OpenApiOperation>>>>;
  readonly components: Readonly<Record<'schemas' | 'responses' | 'parameters' | 'headers' | 'securitySchemes', Readonly<Record<string, JsonSchema>>>>;
}

export interface OpenApiInfo {
  readonly title: string;
  readonly version: string;
  readonly description: string;
  readonly license: { readonly name: string; readonly identifier: string };
}

export interface OpenApiOperation {
  readonly operationId: string;
  readonly summary: string;
  readonly description?: string;
  readonly tags: readonly string[];
  readonly parameters: readonly JsonSchema[];
  readonly requestBody?: JsonSchema;
  readonly responses: Readonly<Record<string, JsonSchema>>;
  readonly security: readonly Readonly<Record<string, readonly string[]>>[];
  readonly 'x-required-scope'?: string;
}

export interface OpenApiOptions {
  /** `info.version`; the gateway package's version unless given. */
  readonly version?: string | undefined;
}

const pageRequestTypeName = 'causeloop.common.v1.PageRequest';
const defaultVersion = '0.1.0';

const description = `Causeloop's HTTP API, built from the RPCs' HTTP rules in the protos: every operation here is one RPC of a backend service, and field names are the protos' snake_case names.

- **Authentication**: \`Authorization: Bearer <token>\` with an access token from \`POST /v1/auth/exchange\`, a personal access token (\`clp_pat_…\`) or a service-account token (\`clp_sa_…\`). Each operation names the scope it needs.
- **Errors** are RFC 9457 \`application/problem+json\` with a stable \`code\` and a \`trace_id\`; a request that does not match its schema gets 400 with every offending field in \`violations\`.
- **Lists** take \`limit\` (1–100, default 25) and \`cursor\`, and answer \`{ "data": [...], "page": { "next_cursor", "has_more" } }\`.
- **Rate limits**: answers carry \`RateLimit\` and \`RateLimit-Policy\`; a 429 carries \`Retry-After\`.
- **Retries**: send an \`Idempotency-Key\` with a POST or PATCH to make retrying it safe.`;

/**
 * The OpenAPI 3.1 document of exactly the routes the router serves, built from the same
 * `RoutedRpc` list, so the two cannot drift. Summaries, descriptions and tags come from the
 * proto comments; errors, headers and parameters shared by operations are components.
 */

const successDescriptions: Readonly<Record<SuccessStatus, string>> = { 200: 'OK', 201: 'Created', 202: 'Accepted' };
export function buildOpenApi(routes: readonly RoutedRpc[], options: OpenApiOptions): OpenApiDocument {
  const messages = createSchemaComponents();
  const shared = createSharedComponents();
  const paths: Record<string, Record<string, OpenApiOperation>> = {};
  const services = new Map<string, DescService>();
  const operationIds = new Map<string, string>();

  for (const route of routes) {
    services.set(route.service.typeName, route.service);
    const operationId = route.method.localName;
    const rpcName = `${route.service.typeName}.${route.method.name}`;
    const clash = operationIds.get(operationId);
    // Renaming an operation id later would break every generated client: refuse instead.
    if (clash !== undefined) throw new Error(`${rpcName} and ${clash} would share the operation id ${operationId}: rename one RPC`);
    operationIds.set(operationId, rpcName);

    const input = messages.schemaOf(route.method.input);
    const pathNames = route.pathFields.map((f) => f.name);
    const parameters: JsonSchema[] = route.pathFields.map((field) => parameter(field.name, 'path', input, true));
    if (route.body === undefined) parameters.push(...queryParameters(route.method.input, input, pathNames, messages.schemaOf));
    else if (route.body !== '*') {
      parameters.push(...queryParameters(route.method.input, input, [...pathNames, route.body.name], messages.schemaOf));
    }
    if (takesIdempotencyKey(route)) parameters.push(shared.idempotencyKey());

    let requestBody: JsonSchema | undefined;
    if (route.body === '*') {
      const schema = pathNames.length === 0 ? messages.refTo(route.method.input) : messages.schemaOf(route.method.input, pathNames);
      requestBody = { required: true, content: { 'application/json': { schema } } };
    } else if (route.body !== undefined) {
      const required = input.required?.includes(route.body.name) ?? false;
      requestBody = { required, content: { 'application/json': { schema: property(input, route.body.name) } } };
    }

    const operation: OpenApiOperation = {
      operationId,
      ...operationText(route.method),
      tags: [route.service.name],
      parameters,
      ...(requestBody === undefined ? {} : { requestBody }),
      responses: {
        [String(route.successStatus)]: {
          description: successDescriptions[route.successStatus],
          headers: shared.successHeaders(route),
          content: { 'application/json': { schema: messages.refTo(route.method.output) } },
        },
        ...shared.errorResponses(route, parameters.length > 0 || requestBody !== undefined),
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
    info: {
      title: 'Causeloop API',
      version: options.version ?? defaultVersion,
      description,
      license: { name: 'Apache-2.0', identifier: 'Apache-2.0' },
    },
    servers: [{ url: '/', description: 'The gateway serving this document' }],
    tags: [...services.values()].map((service) => {
      const text = proseOf(service);
      return text === undefined ? { name: service.name } : { name: service.name, description: text };
    }),
    paths,
    components: {
      schemas: { ...messages.referencedFrom(paths), Problem: problemSchema },
      responses: shared.used.responses,
      parameters: shared.used.parameters,
      headers: shared.used.headers,
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: 'A Causeloop access token, or a clp_pat_… or clp_sa_… token.' },
      },
    },
  };
}

/**
 * Query parameters of the fields a route does not take from its path or body: scalar
 * fields by name, fields of a nested message as `field.name`, and `limit`/`cursor` for a
 * `page` field (DESIGN §7).
 */
function queryParameters(
  message: DescMessage,
  schema: ObjectSchema,
  omit: readonly string[],
  schemaOf: (message: DescMessage) => ObjectSchema,
): JsonSchema[] {
  const parameters: JsonSchema[] = [];
  for (const field of message.fields) {
    if (omit.includes(field.name)) continue;
    if (field.fieldKind === 'message') {
      const nested = schemaOf(field.message);
      const prefix = field.message.typeName === pageRequestTypeName ? '' : `${field.name}.`;
      for (const inner of field.message.fields) {
        if (inner.fieldKind === 'scalar' || inner.fieldKind === 'enum') {
          parameters.push({ ...parameter(inner.name, 'query', nested, false), name: `${prefix}${inner.name}` });
        }
      }
    } else if (field.fieldKind !== 'map') {
      parameters.push(parameter(field.name, 'query', schema, false));
    }
  }
  return parameters;
}

/** A parameter for one property of a message schema; the property's description moves up to the parameter. */
function parameter(name: string, location: 'path' | 'query', schema: ObjectSchema, alwaysRequired: boolean): JsonSchema {
  const { description: text, ...propertySchema } = property(schema, name);
  const required = alwaysRequired || (schema.required?.includes(name) ?? false);
  return { name, in: location, required, ...(typeof text === 'string' ? { description: text } : {}), schema: propertySchema };
}

function property(schema: ObjectSchema, name: string): JsonSchema {
  const found = schema.properties[name];
  if (found === undefined) throw new Error(`the schema has no property ${name}`);
  return found;
}
