import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { generateTraceId, httpServerSpans, traceIdOf, traceparentHeader, type HttpServerSpan } from '@causeloop/platform/tracing';
import '../request-context.js';

/** Per request, what only some requests need: the edge span (tracing on) or a made-up trace id. */
type EdgeTrace = { readonly span: HttpServerSpan } | { readonly traceId: string };

/**
 * The request's trace at the edge. `request.traceId` is computed on first read (a problem
 * body, a log line, the backend call's `traceparent`), not for every request: the edge
 * span's id when tracing exports, else the client's `traceparent`, else a fresh id kept
 * for the rest of the request. With an exporter configured, every request also gets one
 * server span, and the whole request (hooks, handler, backend calls) runs in its context,
 * so the gRPC client's spans are its children.
 */
export function registerTraceContext(app: FastifyInstance): void {
  const traces = new WeakMap<IncomingMessage, EdgeTrace>();
  app.decorateRequest('traceId', {
    getter(this: FastifyRequest): string {
      const edge = traces.get(this.raw);
      if (edge !== undefined) return 'span' in edge ? edge.span.traceId : edge.traceId;
      const given = traceIdOf(this.headers[traceparentHeader]);
      if (given !== undefined) return given;
      const made = generateTraceId();
      traces.set(this.raw, { traceId: made });
      return made;
    },
  });
  const startSpan = httpServerSpans();
  if (startSpan === undefined) return;
  traceRequests(app, startSpan, traces);
  app.addHook('onRequest', async (request) => {
    const edge = traces.get(request.raw);
    const route = request.routeOptions.url;
    if (edge !== undefined && 'span' in edge && route !== undefined) edge.span.setRoute(request.method, route);
  });
}

type RequestListener = (request: IncomingMessage, response: ServerResponse) => void;

/**
 * Wraps the listener fastify put on its server's `request` event, where every request
 * (HTTP/1.1 or HTTP/2) enters, in the request's span and context: a fastify hook cannot
 * enter a context for the rest of the request. (The HTTP auto-instrumentation this
 * replaces did the same, by patching every server in the process.)
 */
function traceRequests(
  app: FastifyInstance,
  startSpan: NonNullable<ReturnType<typeof httpServerSpans>>,
  traces: WeakMap<IncomingMessage, EdgeTrace>,
): void {
  const server = app.server;
  const listeners = server.listeners('request') as RequestListener[];
  server.removeAllListeners('request');
  for (const listener of listeners) {
    server.on('request', (request: IncomingMessage, response: ServerResponse) => {
      const span = startSpan(request);
      traces.set(request, { span });
      response.once('close', () => span.end(response.statusCode));
      span.run(() => listener(request, response));
    });
  }
}
