/**
 * Whether spans are exported: an OTLP endpoint is configured (`OTEL_EXPORTER_OTLP_ENDPOINT`
 * or its traces-only form) and neither tracing (`OTEL_TRACES_EXPORTER=none`) nor the SDK
 * (`OTEL_SDK_DISABLED=true`) is turned off; an exporter other than OTLP is refused.
 * Otherwise no OpenTelemetry SDK or instrumentation is even loaded. Read before
 * `loadConfig` exists (the `--import` hook runs before main), so from the environment
 * directly.
 */
export function tracingConfigured(environment: NodeJS.ProcessEnv): boolean {
  const endpoint = environment.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ?? environment.OTEL_EXPORTER_OTLP_ENDPOINT ?? '';
  const exporter = environment.OTEL_TRACES_EXPORTER?.trim().toLowerCase() || 'otlp';
  if (exporter !== 'otlp' && exporter !== 'none') throw new Error(`OTEL_TRACES_EXPORTER=${exporter} is not supported: traces are exported over OTLP (otlp) or not at all (none)`);
  return endpoint.trim() !== '' && exporter === 'otlp' && environment.OTEL_SDK_DISABLED?.trim().toLowerCase() !== 'true';
}
