// Imported dynamically by `register` only when an exporter is configured: none of the
// OpenTelemetry SDK is loaded otherwise.
import { context, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import {
  defaultResource,
  detectResources,
  hostDetector,
  osDetector,
  processDetector,
  resourceAttributesEnvDetector,
  serviceInstanceIdDetector,
  serviceNameEnvDetector,
} from '@opentelemetry/resources';
import { BatchSpanProcessor, TracerProvider, type SpanExporter } from '@opentelemetry/sdk-trace';
import { setTracingState } from './tracer.js';
import { batchOptionsFromEnv, otlpProtocolFromEnv, samplerFromEnv, type OtlpProtocol } from './tracing-environment.js';

/**
 * Starts tracing: a tracer provider exporting over OTLP in batches, with the sampler,
 * batching, endpoint, headers and resource taken from the standard `OTEL_*` variables.
 * Spans come from code the platform owns (the gateway's edge, the gRPC client and server
 * helpers) plus the pg instrumentation for database queries; HTTP and gRPC
 * auto-instrumentation is deliberately absent: it patched every request for spans the
 * platform already makes. Built from the trace SDK alone rather than `@opentelemetry/sdk-node`,
 * which loads the logs and metrics SDKs and every exporter (≈ 6 MB more per process) for
 * signals that stay with pino and prom-client here. Throws on a malformed variable.
 */
export async function startTracing(): Promise<void> {
  const provider = new TracerProvider({
    resource: defaultResource().merge(
      // Later detectors win: OTEL_SERVICE_NAME over a service.name in OTEL_RESOURCE_ATTRIBUTES.
      detectResources({
        detectors: [hostDetector, osDetector, processDetector, serviceInstanceIdDetector, resourceAttributesEnvDetector, serviceNameEnvDetector],
      }),
    ),
    sampler: samplerFromEnv(),
    spanProcessors: [new BatchSpanProcessor({ exporter: await otlpExporter(otlpProtocolFromEnv()), ...batchOptionsFromEnv() })],
  });
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  trace.setGlobalTracerProvider(provider);
  // Only queries made inside a traced call: pool housekeeping makes no root spans. It hooks
  // `pg` as it loads, which is why this runs from `--import`, before the service's main.
  new PgInstrumentation({ requireParentSpan: true }).setTracerProvider(provider);
  setTracingState({ tracer: trace.getTracer('@causeloop/platform'), shutdown: () => provider.shutdown() });
}

/** The exporter of the one transport configured; the others are never loaded. */
async function otlpExporter(protocol: OtlpProtocol): Promise<SpanExporter> {
  switch (protocol) {
    case 'http/protobuf':
      return new (await import('@opentelemetry/exporter-trace-otlp-proto')).OTLPTraceExporter();
    case 'http/json':
      return new (await import('@opentelemetry/exporter-trace-otlp-http')).OTLPTraceExporter();
    case 'grpc':
      return new (await import('@opentelemetry/exporter-trace-otlp-grpc')).OTLPTraceExporter();
  }
}
