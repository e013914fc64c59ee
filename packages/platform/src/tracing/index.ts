// No export here loads the OpenTelemetry SDK: `register` imports it on demand.
export * from './trace-id.js';
export { activeTracer, shutdownTracing } from './tracer.js';
export * from './http-server-span.js';
export { installTraceContext } from './trace-context.js';
export { tracingConfigured } from './tracing-config.js';
