import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { JsonValue, Message } from '@bufbuild/protobuf';
import { CauseloopError } from '@causeloop/platform/errors';
import { requestIdHeader } from '@causeloop/platform/grpc';
import { idempotencyKeyHeader } from '@causeloop/platform/idempotency';
import { principalAssertionHeader, type Authenticator } from '@causeloop/platform/identity';
import { acceptsIdempotencyKey, type IdempotentRequests } from '../idempotency/idempotent-requests.js';
import { limitPrincipal } from '../rate-limit/index.js';
import type { RoutedRpc } from './http-rules.js';
import { requestFromHttp, responseToJson, type QueryValues } from './json-mapping.js';

export interface DescriptorRoutesOptions {
  readonly authenticator: Authenticator;
  /** Deadline of each backend call. */
  readonly deadlineMs: number;
  /** Idempotency-Key handling of POST and PATCH routes that need a principal. */
  readonly idempotency: IdempotentRequests;
}

const bearer = /^Bearer +(\S+)$/i;

/**
 * One fastify route per routed RPC (see `collectRoutedRpcs`). Order per request:
 * authenticate and check the scope (a caller without it learns nothing about the
 * schema, and the backend is never called), map JSON to protobuf, claim an
 * Idempotency-Key when one is sent, call over gRPC with a deadline, map the answer back to
 * snake_case JSON. Errors go to the problem handler.
 */
export function registerDescriptorRoutes(app: FastifyInstance, routes: readonly RoutedRpc[], options: DescriptorRoutesOptions): void {
  for (const route of routes) {
    app.route({
      method: route.httpMethod,
      url: route.fastifyPath,
      handler: async (request, reply) => {
        let metadata: Record<string, string> = { [requestIdHeader]: request.id };
        const keyed = acceptsIdempotencyKey(route) && request.headers[idempotencyKeyHeader] !== undefined;
        if (route.scope === undefined) {
          // A key is the principal's; a route anyone may call has nobody to scope it to.
          if (keyed) throw new CauseloopError('invalid_argument', 'this route needs no authentication and takes no Idempotency-Key');
          const message = requestFromHttp(route, httpParts(request));
          return reply.type('application/json').send(await callBackend(route, message, metadata, reply, options));
        }
        const { principal, assertion } = await options.authenticator.authenticate(bearerToken(request));
        if (!principal.scopes.includes(route.scope)) {
          throw new CauseloopError('insufficient_scope', `this call needs the ${route.scope} scope`);
        }
        // The per-principal limit follows a caller across addresses (the 429 is sent).
        if (!(await limitPrincipal(request, reply, `${principal.workspaceId}/${principal.subjectId}`))) return reply;
        // The backend verifies this signed assertion itself; the bearer token stays here.
        metadata[principalAssertionHeader] = assertion;
        const message = requestFromHttp(route, httpParts(request));
        if (keyed) {
          const next = await options.idempotency.begin(request, reply, route, principal, message);
          if (next.step === 'answered') return reply;
          metadata = { ...metadata, ...next.metadata };
        }
        return reply.type('application/json').send(await callBackend(route, message, metadata, reply, options));
      },
    });
  }
}

async function callBackend(
  route: RoutedRpc,
  message: Message,
  metadata: Readonly<Record<string, string>>,
  reply: FastifyReply,
  options: DescriptorRoutesOptions,
): Promise<JsonValue> {
  const response = await route.fronted.call(route.method, message, {
    deadlineMs: options.deadlineMs,
    metadata,
    signal: abortOnDisconnect(reply),
  });
  return responseToJson(route.method.output, response);
}

function httpParts(request: FastifyRequest): { params: Record<string, string>; query: QueryValues; body: unknown } {
  return { params: request.params as Record<string, string>, query: request.query as QueryValues, body: request.body };
}

function bearerToken(request: FastifyRequest): string {
  const header = request.headers.authorization;
  const token = header === undefined ? undefined : bearer.exec(header.trim())?.[1];
  if (token === undefined) throw new CauseloopError('unauthenticated', 'a bearer token is required');
  return token;
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
