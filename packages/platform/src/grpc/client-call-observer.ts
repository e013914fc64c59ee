import { context, propagation, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { CallObserver } from '../grpc-client/create-base-grpc-client.js';
import type { GrpcMetrics } from '../metrics/grpc-metrics.js';
import { activeTracer } from '../tracing/tracer.js';
import { requestIdFromContext } from './call-context.js';
import { metadataSetter } from './metadata-carrier.js';
import { generateRequestId, isAcceptableRequestId, requestIdHeader } from './request-id.js';
import { statusName } from './rpc-names.js';

/**
 * What a service owes the services it calls and its operators, on every outgoing call:
 * - its context travels: W3C trace context (`traceparent`, through the globally registered
 *   propagator) and `x-request-id` (the id the caller gave, else the id of the call being
 *   served when a handler calls another service, else a new one);
 * - with an exporter configured, the call's client span (a child of the active span),
 *   whose context is what travels;
 * - with metrics, every call counted and timed by service, method and final status name.
 * The observer runs synchronously inside the client method, so `context.active()` is the
 * caller's context.
 */
export function createClientCallObserver(metrics: GrpcMetrics | undefined): CallObserver {
  return (rpc, metadata) => {
    const active = context.active();
    const span = activeTracer()?.startSpan(
      rpc.name,
      { kind: SpanKind.CLIENT, attributes: { 'rpc.system': 'grpc', 'rpc.service': rpc.service, 'rpc.method': rpc.method } },
      active,
    );
    propagation.inject(span === undefined ? active : trace.setSpan(active, span), metadata, metadataSetter);
    const [given] = metadata.get(requestIdHeader);
    if (!isAcceptableRequestId(given)) metadata.set(requestIdHeader, requestIdFromContext(active) ?? generateRequestId());
    if (span === undefined && metrics === undefined) return undefined;
    const startedAt = performance.now();
    return (code, details) => {
      if (metrics !== undefined) {
        const labels = { grpc_service: rpc.service, grpc_method: rpc.method, grpc_code: statusName(code) };
        metrics.clientRequests.inc(labels);
        metrics.clientDuration.observe(labels, (performance.now() - startedAt) / 1000);
      }
      if (span !== undefined) {
        span.setAttribute('rpc.grpc.status_code', code);
        if (code !== 0) span.setStatus({ code: SpanStatusCode.ERROR, message: details });
        span.end();
      }
    };
  };
}
