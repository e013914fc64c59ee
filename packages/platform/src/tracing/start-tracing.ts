// Imported dynamically by `register` only when an exporter is configured: the SDK and the
// pg instrumentation cost ≈ 40 MB of memory and are not loaded at all otherwise.
import { trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { setTracingState } from './tracer.js';

/**
 * Starts the OpenTelemetry SDK: the exporter, sampler (`OTEL_TRACES_SAMPLER`,
 * `OTEL_TRACES_SAMPLER_ARG`; parent-based by default) and resource follow the standard
 * `OTEL_*` variables. Spans come from code the platform owns (the gateway's edge, the gRPC
 * client and server helpers) plus the pg instrumentation for database queries; HTTP and
 * gRPC auto-instrumentation is deliberately absent: it patched every request for spans
 * the platform already makes. Metrics stay with prom-client and logs with pino.
 */
export function startTracing(): void {
  const sdk = new NodeSDK({
    contextManager: new AsyncLocalStorageContextManager(),
    textMapPropagator: new W3CTraceContextPropagator(),
    // Only queries made inside a traced call: pool housekeeping makes no root spans.
    instrumentations: [new PgInstrumentation({ requireParentSpan: true })],
    metricReaders: [],
    logRecordProcessors: [],
  });
  sdk.start();
  setTracingState({ tracer: trace.getTracer('@causeloop/platform'), shutdown: () => sdk.shutdown() });
}
