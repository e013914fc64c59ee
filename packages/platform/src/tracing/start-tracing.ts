import { NodeSDK } from '@opentelemetry/sdk-node';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { GrpcInstrumentation } from '@opentelemetry/instrumentation-grpc';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';

const sdkKey = Symbol.for('causeloop.tracing.sdk');
type TracingGlobal = typeof globalThis & { [sdkKey]?: NodeSDK };

/**
 * Starts OpenTelemetry. Context propagation (W3C `traceparent`) always runs, so trace ids
 * reach logs and downstream calls; spans are exported over OTLP only when
 * `OTEL_EXPORTER_OTLP_ENDPOINT` is set (the exporter then follows the standard `OTEL_*`
 * variables). Metrics stay with prom-client and logs with pino, so neither is exported
 * through OTLP.
 */
export function startTracing(environment: NodeJS.ProcessEnv = process.env): NodeSDK {
  const holder = globalThis as TracingGlobal;
  if (holder[sdkKey] !== undefined) return holder[sdkKey];
  const exportSpans = (environment.OTEL_EXPORTER_OTLP_ENDPOINT ?? '').trim() !== '';
  const sdk = new NodeSDK({
    textMapPropagator: new W3CTraceContextPropagator(),
    instrumentations: [new HttpInstrumentation(), new GrpcInstrumentation(), new PgInstrumentation()],
    metricReaders: [],
    logRecordProcessors: [],
    // Without spanProcessors the SDK reads OTEL_TRACES_EXPORTER and friends.
    ...(exportSpans ? {} : { spanProcessors: [] }),
  });
  sdk.start();
  holder[sdkKey] = sdk;
  return sdk;
}

/** Flushes and stops tracing if it was started; a lifecycle shutdown step. */
export async function shutdownTracing(): Promise<void> {
  const holder = globalThis as TracingGlobal;
  await holder[sdkKey]?.shutdown();
}
