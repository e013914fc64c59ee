import type { IncomingHttpHeaders } from 'node:http';
import { context, propagation, SpanKind, SpanStatusCode, trace, type Span } from '@opentelemetry/api';
import { activeTracer } from './tracer.js';

/** The server span of one HTTP request, for a server the platform does not build (the gateway's fastify). */
export interface HttpServerSpan {
  readonly traceId: string;
  /** Names the span by its route template (bounded, unlike the path) once routing knows it. */
  setRoute(method: string, route: string): void;
  /** Runs `fn` (the rest of the request) with this span as the active context. */
  run<T>(fn: () => T): T;
  end(statusCode: number): void;
}

export interface HttpRequestHead {
  readonly method?: string | undefined;
  readonly url?: string | undefined;
  readonly headers: IncomingHttpHeaders;
}

/**
 * A starter of HTTP server spans (children of the caller's `traceparent`) when an exporter
 * is configured; undefined otherwise, so a server without tracing does no per-request work.
 */
export function httpServerSpans(): ((request: HttpRequestHead) => HttpServerSpan) | undefined {
  const tracer = activeTracer();
  if (tracer === undefined) return undefined;
  return (request) => {
    const caller = propagation.extract(context.active(), request.headers);
    const method = request.method ?? 'HTTP';
    const span: Span = tracer.startSpan(
      method,
      { kind: SpanKind.SERVER, attributes: { 'http.request.method': method, 'url.path': (request.url ?? '').split('?')[0] ?? '' } },
      caller,
    );
    const active = trace.setSpan(caller, span);
    return {
      traceId: span.spanContext().traceId,
      setRoute(routeMethod, route) {
        span.updateName(`${routeMethod} ${route}`);
        span.setAttribute('http.route', route);
      },
      run: (fn) => context.with(active, fn),
      end(statusCode) {
        span.setAttribute('http.response.status_code', statusCode);
        if (statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
        span.end();
      },
    };
  };
}
