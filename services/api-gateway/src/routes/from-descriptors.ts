import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { CauseloopError, principalAssertionHeader, requestIdHeader } from '@causeloop/platform';
import type { Authenticator } from '../auth/create-cached-authenticator.js';
import { limitPrincipal } from '../rate-limit/index.js';
import type { RoutedRpc } from './http-rules.js';
import { requestFromHttp, responseToJson, type QueryValues } from './json-mapping.js';

export interface DescriptorRoutesOptions {
  readonly authenticator: Authenticator;
  /** Deadline of each backend call. */
  readonly deadlineMs: number;
}

const bearer = /^Bearer +(\S+)$/i;

/**
 * One fastify route per routed RPC (see `collectRoutedRpcs`). Order per request:
 * authenticate and check the scope (a caller without it learns nothing about the
 * schema, and the backend is never called), map JSON to protobuf, call over gRPC with a
 * deadline, map the answer back to snake_case JSON. Errors go to the problem handler.
 */
export function registerDescriptorRoutes(app: FastifyInstance, routes: readonly RoutedRpc[], options: DescriptorRoutesOptions): void {
  for (const route of routes) {
    app.route({
      method: route.httpMethod,
      url: route.fastifyPath,
      handler: async (request, reply) => {
        const metadata: Record<string, string> = { [requestIdHeader]: request.id };
        if (route.scope !== undefined) {
          const { principal, assertion } = await options.authenticator.authenticate(bearerToken(request));
          if (!principal.scopes.includes(route.scope)) {
            throw new CauseloopError('insufficient_scope', `this call needs the ${route.scope} scope`);
          }
          // The per-principal limit follows a caller across addresses (the 429 is sent).
          if (!(await limitPrincipal(request, reply, `${principal.workspaceId}/${principal.subjectId}`))) return reply;
          // The backend verifies this signed assertion itself; the bearer token stays here.
          metadata[principalAssertionHeader] = assertion;
        }
        const message = requestFromHttp(route, {
          params: request.params as Record<string, string>,
          query: request.query as QueryValues,
          body: request.body,
        });
        const response = await route.fronted.call(route.method, message, {
          deadlineMs: options.deadlineMs,
          metadata,
          signal: abortOnDisconnect(reply),
        });
        return reply.type('application/json').send(responseToJson(route.method.output, response));
      },
    });
  }
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
  // The response closing before it finished writing means the connection is gone.
  reply.raw.once('close', () => {
    if (!reply.raw.writableFinished) controller.abort(new CauseloopError('cancelled', 'the client went away'));
  });
  return controller.signal;
}
