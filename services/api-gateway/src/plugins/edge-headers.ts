import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { FastifyInstance, FastifyReply } from 'fastify';

// Same rule as the platform's gRPC side: a caller-chosen id lands in every log line and is
// forwarded downstream, so only short, plain ids are taken; anything else is replaced.
const acceptableRequestId = /^[A-Za-z0-9._:-]{1,128}$/;

/** fastify's `genReqId`: the client's `X-Request-Id` when well-formed, else a new UUID. */
export function requestIdFor(request: IncomingMessage): string {
  const given = request.headers['x-request-id'];
  return typeof given === 'string' && acceptableRequestId.test(given) ? given : randomUUID();
}

/**
 * The headers every answer carries, errors and 404s included (DESIGN §7): API answers
 * are never cached by intermediaries, never sniffed or framed, and browsers keep to HTTPS.
 * HSTS goes out on plain HTTP too: behind a TLS-terminating proxy that is what clients
 * see over HTTPS, and browsers ignore it on a plain connection (RFC 6797 §8.1).
 */
export function applyEdgeHeaders(reply: FastifyReply, requestId: string): void {
  reply.header('x-request-id', requestId);
  reply.header('strict-transport-security', 'max-age=31536000');
  reply.header('cache-control', 'no-store');
  reply.header('x-content-type-options', 'nosniff');
  reply.header('x-frame-options', 'DENY');
}

export function registerEdgeHeaders(app: FastifyInstance): void {
  // onRequest runs before body parsing, so even a 413 or malformed-JSON answer has them.
  // A callback hook: an async one would cost every request a promise for synchronous work.
  app.addHook('onRequest', (request, reply, done) => {
    applyEdgeHeaders(reply, request.id);
    done();
  });
}
