// Loaded with `node --import @causeloop/platform/tracing/register`, before the service's
// main module: with an exporter configured, the pg instrumentation must hook `pg` before
// it loads. Without one only trace context is installed, and the SDK is never imported.
import { installTraceContext } from './trace-context.js';
import { tracingConfigured } from './tracing-config.js';

if (tracingConfigured(process.env)) {
  const { startTracing } = await import('./start-tracing.js');
  await startTracing();
} else {
  installTraceContext();
}
