import { acceptsIdempotencyKey } from '../idempotency/idempotent-requests.js';
import type { RoutedRpc } from '../routes/http-rules.js';
import type { JsonSchema } from './message-schemas.js';

/** RFC 9457 problem details as `plugins/problem-details.ts` sends them. */
export const problemSchema: JsonSchema = {
  type: 'object',
  description: 'RFC 9457 problem details, with a stable `code` and the `trace_id` to quote when reporting it.',
  required: ['type', 'title', 'status', 'detail', 'code', 'trace_id'],
  properties: {
    type: { type: 'string', format: 'uri', description: 'Identifies the kind of problem; ends with the code.' },
    title: { type: 'string', description: 'Short summary of the kind of problem.' },
    status: { type: 'integer', description: 'The HTTP status code.' },
    detail: { type: 'string', description: 'What went wrong with this request.' },
    code: { type: 'string', description: 'Stable snake_case error code, e.g. `not_found`.' },
    trace_id: { type: 'string', description: 'Trace id of the request, for support.' },
    violations: {
      type: 'array',
      description: 'Every field of the request that broke a rule (400 only).',
      items: {
        type: 'object',
        required: ['field', 'description'],
        properties: {
          field: { type: 'string', description: 'Path of the field, e.g. `page.limit`.' },
          description: { type: 'string', description: 'The rule it broke.' },
        },
      },
    },
  },
};

type ComponentKind = 'headers' | 'parameters' | 'responses';
type Components = Record<ComponentKind, Record<string, JsonSchema>>;

/** Response headers (DESIGN §7): every answer has a request id and the rate-limit fields. */
const headers: Readonly<Record<string, JsonSchema>> = {
  'X-Request-Id': {
    description: "Id of this request: the caller's own `X-Request-Id` when well-formed, otherwise a new one.",
    schema: { type: 'string' },
  },
  RateLimit: {
    description: 'For each policy that applies, requests remaining and seconds until its quota is whole again, e.g. `"default";r=57;t=12`.',
    schema: { type: 'string' },
  },
  'RateLimit-Policy': {
    description: 'Quota and window in seconds of each policy that applies, e.g. `"default";q=100;w=60`.',
    schema: { type: 'string' },
  },
  'Retry-After': { description: 'Seconds to wait before trying again.', schema: { type: 'integer', minimum: 1 } },
  'WWW-Authenticate': {
    description: 'The scheme to authenticate with (`Bearer`), with `error="invalid_token"` when the token sent was refused.',
    schema: { type: 'string' },
  },
  'Idempotency-Replayed': {
    description: '`true` when this is the stored answer to an earlier request with the same Idempotency-Key.',
    schema: { type: 'string', enum: ['true'] },
  },
};

const parameters: Readonly<Record<string, JsonSchema>> = {
  IdempotencyKey: {
    name: 'Idempotency-Key',
    in: 'header',
    required: false,
    description:
      'Makes a retry safe: the first request with a key runs; a retry with the same key and request gets the stored answer (with `Idempotency-Replayed: true`) for 24 hours.',
    schema: { type: 'string', minLength: 1, maxLength: 255, pattern: '^[\\x21-\\x7e]+$' },
  },
};

/** The error answers operations refer to, by component name: description and extra headers. */
const problems: Readonly<Record<string, { description: string; headers?: readonly string[] }>> = {
  BadRequest: {
    description: "The request does not match the operation's schema (each offending field is in `violations`), or its Idempotency-Key is malformed.",
  },
  Unauthorized: { description: 'No bearer token, or one that is not valid.', headers: ['WWW-Authenticate'] },
  Forbidden: { description: 'The token does not carry the scope the operation needs, or the role does not allow it.' },
  NotFound: { description: "Nothing with that id in the caller's workspace (ids of other workspaces answer the same)." },
  Conflict: { description: 'A request with the same Idempotency-Key is still in progress, or the change conflicts with the current state.' },
  PayloadTooLarge: { description: 'The request body is larger than the gateway accepts.' },
  UnsupportedMediaType: { description: 'The request body is not `application/json`.' },
  UnprocessableContent: {
    description: 'The Idempotency-Key was already used with a different request, or the request breaks a rule of the current state.',
  },
  TooManyRequests: { description: 'A rate limit was reached; retry after `Retry-After` seconds.', headers: ['Retry-After'] },
  Error: { description: 'Any other error: a 5xx when something behind the gateway failed or is unavailable.' },
};

/**
 * The responses, headers and parameters operations share, as `$ref`s. Only what some
 * operation uses ends up in the components: an unused component is a lint warning and
 * noise in generated clients.
 */
export interface SharedComponents {
  /** The error answers a route can give, by status (see `errorResponses`). */
  errorResponses(route: RoutedRpc, hasInput: boolean): Record<string, JsonSchema>;
  /** Headers of the route's success answer. */
  successHeaders(route: RoutedRpc): Record<string, JsonSchema>;
  /** The `Idempotency-Key` header parameter. */
  idempotencyKey(): JsonSchema;
  readonly used: Readonly<Components>;
}

export function createSharedComponents(): SharedComponents {
  const used: Components = { headers: {}, parameters: {}, responses: {} };
  const ref = (kind: ComponentKind, name: string): JsonSchema => {
    if (!(name in used[kind])) used[kind][name] = build(kind, name);
    return { $ref: `#/components/${kind}/${name}` };
  };
  const everyAnswer = (): Record<string, JsonSchema> => ({
    'X-Request-Id': ref('headers', 'X-Request-Id'),
    RateLimit: ref('headers', 'RateLimit'),
    'RateLimit-Policy': ref('headers', 'RateLimit-Policy'),
  });
  const build = (kind: ComponentKind, name: string): JsonSchema => {
    if (kind === 'headers') return definition(headers, name);
    if (kind === 'parameters') return definition(parameters, name);
    const { description, headers: extra = [] } = definition(problems, name);
    return {
      description,
      headers: { ...everyAnswer(), ...Object.fromEntries(extra.map((header) => [header, ref('headers', header)])) },
      content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
    };
  };

  return {
    used,
    idempotencyKey: () => ref('parameters', 'IdempotencyKey'),
    successHeaders: (route) =>
      takesIdempotencyKey(route) ? { ...everyAnswer(), 'Idempotency-Replayed': ref('headers', 'Idempotency-Replayed') } : everyAnswer(),
    /**
     * 400 when the route takes input, 401/403 when it needs a scope, 404 when its path names
     * a resource, 409/422 when it takes an Idempotency-Key, 413/415 when it takes a body,
     * 429 always, and `default` for the rest (5xx).
     */
    errorResponses(route, hasInput) {
      const answers: Record<string, JsonSchema> = {};
      if (hasInput) answers['400'] = ref('responses', 'BadRequest');
      if (route.scope !== undefined) {
        answers['401'] = ref('responses', 'Unauthorized');
        answers['403'] = ref('responses', 'Forbidden');
      }
      if (route.pathFields.length > 0) answers['404'] = ref('responses', 'NotFound');
      if (takesIdempotencyKey(route)) answers['409'] = ref('responses', 'Conflict');
      if (route.body !== undefined) {
        answers['413'] = ref('responses', 'PayloadTooLarge');
        answers['415'] = ref('responses', 'UnsupportedMediaType');
      }
      if (takesIdempotencyKey(route)) answers['422'] = ref('responses', 'UnprocessableContent');
      answers['429'] = ref('responses', 'TooManyRequests');
      answers['default'] = ref('responses', 'Error');
      return answers;
    },
  };
}

/** Whether the route takes an Idempotency-Key: a POST or PATCH with a principal to scope the key to. */
export function takesIdempotencyKey(route: RoutedRpc): boolean {
  return acceptsIdempotencyKey(route) && route.scope !== undefined;
}

function definition<T>(from: Readonly<Record<string, T>>, name: string): T {
  const found = from[name];
  if (found === undefined) throw new Error(`no component named ${name}`);
  return found;
}
