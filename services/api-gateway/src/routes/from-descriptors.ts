import type {
  FastifyInstance,
  FastifyReply,
  FastifyRequest,
  FastifySchemaCompiler,
  onRequestAsyncHookHandler,
  preHandlerAsyncHookHandler,
} from 'fastify';
import type { Message } from '@bufbuild/protobuf';
import { CauseloopError, invalidFields } from '@causeloop/platform/errors';
import { requestIdHeader } from '@causeloop/platform/grpc';
import { idempotencyKeyHeader } from '@causeloop/platform/idempotency';
import { bearerToken, principalAssertionHeader, type Authenticator } from '@causeloop/platform/identity';
import { traceparentFor, traceparentHeader } from '@causeloop/platform/tracing';
import { createSchemaCompiler, type JsonSchema } from '@causeloop/platform/validation';
import { acceptsIdempotencyKey, type IdempotentRequests } from '../idempotency/idempotent-requests.js';
import { limitPrincipal } from '../rate-limit/index.js';
import '../request-context.js';
import type { RoutedRpc } from './http-rules.js';
import { requestFromHttp, withProtoFieldNames, type HttpValues, type QueryPaths } from './json-mapping.js';
import { jsonContentType } from './json-transcoder.js';
import { queryParameters, routeSchemas, type RouteSchemas } from './route-schemas.js';

export interface DescriptorRoutesOptions {
  readonly authenticator: Authenticator;
  /** Deadline of each backend call. */
  readonly deadlineMs: number;
  /** Idempotency-Key handling of POST and PATCH routes that need a principal. */
  readonly idempotency: IdempotentRequests;
}

/**
 * One fastify route per routed RPC (see `collectRoutedRpcs`), every one in the same order,
 * set here once as fastify's lifecycle stages:
 *
 * 1. `onRequest`: authenticate (401) and apply the per-principal rate limit (429), before
 *    the body is even parsed. Public routes skip this.
 * 2. validation: path, query string and body against the schemas derived from the
 *    request message's FieldRules, compiled on the route's first request (400 with every
 *    violated field).
 * 3. `preHandler`: authorize, i.e. the route's scope (403).
 * 4. handler: map JSON to protobuf, claim an Idempotency-Key when one is sent, call the
 *    backend over gRPC with a deadline (so a 503 only ever answers a valid, authorized
 *    request), map the answer back to snake_case JSON.
 *
 * Errors go to the problem handler.
 */
export function registerDescriptorRoutes(app: FastifyInstance, routes: readonly RoutedRpc[], options: DescriptorRoutesOptions): void {
  app.decorateRequest('principal', null);
  app.decorateRequest('principalAssertion', null);
  const validatorCompiler = createValidatorCompiler();
  const authenticate = authenticator(options.authenticator);
  for (const route of routes) {
    const queryPaths: QueryPaths = new Map(queryParameters(route).map((parameter) => [parameter.name, parameter.path]));
    app.route({
      method: route.httpMethod,
      url: route.fastifyPath,
      schema: routeSchemas(route),
      validatorCompiler,
      ...(route.scope === undefined ? {} : { onRequest: authenticate, preHandler: authorize(route.scope) }),
      ...(route.body === undefined
        ? {}
        : { preValidation: async (request: FastifyRequest) => void (request.body = bodyToValidate(route, request.body)) }),
      handler: async (request, reply) => {
        // A tracer, when running, injects its own traceparent over this one; without one the
        // backend still joins this request's trace (its audit entries record the id).
        let metadata: Record<string, string> = { [requestIdHeader]: request.id, [traceparentHeader]: traceparentFor(request.traceId) };
        const keyed = acceptsIdempotencyKey(route) && request.headers[idempotencyKeyHeader] !== undefined;
        const message = requestFromHttp(route, {
          params: request.params as HttpValues,
          query: request.query as HttpValues,
          body: request.body,
          queryPaths,
        });
        const { principal, principalAssertion } = request;
        if (principal === null || principalAssertion === null) {
          // A key is the principal's; a route anyone may call has nobody to scope it to.
          if (keyed) throw new CauseloopError('invalid_argument', 'this route needs no authentication and takes no Idempotency-Key');
          return answer(reply, route, await callBackend(route, message, metadata, reply, options));
        }
        // The backend verifies this signed assertion itself; the bearer token stays here.
        metadata[principalAssertionHeader] = principalAssertion;
        if (keyed) {
          const next = await options.idempotency.begin(request, reply, route, principal, message);
          if (next.step === 'answered') return reply;
          metadata = { ...metadata, ...next.metadata };
        }
        return answer(reply, route, await callBackend(route, message, metadata, reply, options));
      },
    });
  }
}

/** The backend's answer with the route's success status (set only now: a failed call has its own). */
function answer(reply: FastifyReply, route: RoutedRpc, jsonText: string): FastifyReply {
  return reply.code(route.successStatus).type(jsonContentType).send(jsonText);
}

/**
 * Compiles each route's schemas with the platform's ajv set-up (every error, formats and
 * keywords of FieldRules), and fails validation with the platform's `invalidFields`
 * error, which the problem handler renders as a 400 listing every violation. Bodies are
 * taken as sent; path and query values are text, converted to the fields' types.
 */
function createValidatorCompiler(): FastifySchemaCompiler<RouteSchemas> {
  const bodies = createSchemaCompiler();
  const text = createSchemaCompiler({ coerceTypes: true });
  return ({ schema, httpPart }) => {
    // fastify calls this once per part with that part's schema, though it types `schema`
    // as the route's whole `schema` option.
    const validate = (httpPart === 'body' ? bodies : text).compile(schema as unknown as JsonSchema);
    return (data: unknown) => {
      const violations = validate(data);
      return violations.length === 0 ? true : { error: invalidFields(violations) };
    };
  };
}

/**
 * The body as the schema reads it: lowerCamel names as their proto names, and a POST sent
 * without any body as an empty object, so its required fields are named.
 */
function bodyToValidate(route: RoutedRpc, body: unknown): unknown {
  return body === undefined && route.body === '*' ? {} : withProtoFieldNames(route, body);
}

function authenticator(authenticator: Authenticator): onRequestAsyncHookHandler {
  return async (request, reply) => {
    const token = bearerToken(request.headers.authorization);
    if (token === undefined) throw new CauseloopError('unauthenticated', 'a bearer token is required');
    const { principal, assertion } = await authenticator.authenticate(token);
    request.principal = principal;
    request.principalAssertion = assertion;
    // The per-principal limit follows a caller across addresses (the 429 is sent).
    if (!(await limitPrincipal(request, reply, `${principal.workspaceId}/${principal.subjectId}`))) return reply;
    return undefined;
  };
}

function authorize(scope: string): preHandlerAsyncHookHandler {
  return async (request) => {
    if (request.principal?.scopes.includes(scope) !== true) {
      throw new CauseloopError('insufficient_scope', `this call needs the ${scope} scope`);
    }
  };
}

function callBackend(
  route: RoutedRpc,
  message: Message,
  metadata: Readonly<Record<string, string>>,
  reply: FastifyReply,
  options: DescriptorRoutesOptions,
): Promise<string> {
  return route.fronted.call(route.method, message, {
    deadlineMs: options.deadlineMs,
    metadata,
    signal: abortOnDisconnect(reply),
  });
}

/** A client that hangs up should not keep a backend call running until its deadline. */
function abortOnDisconnect(reply: FastifyReply): AbortSignal {
  const controller = new AbortController();
  // The response closing before it was ended means the connection (or HTTP/2 stream) is gone.
  reply.raw.once('close', () => {
    if (!reply.raw.writableEnded) controller.abort(new CauseloopError('cancelled', 'the client went away'));
  });
  return controller.signal;
}
