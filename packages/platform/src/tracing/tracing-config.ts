/**
 * Whether spans are exported: an OTLP endpoint is configured (`OTEL_EXPORTER_OTLP_ENDPOINT`
 * or its traces-only form) and the SDK is not disabled. Otherwise no OpenTelemetry SDK or
 * instrumentation is even loaded. Read before `loadConfig` exists (the `--import` hook
 * runs before main), so from the environment directly.
 */
export function tracingConfigured(environment: NodeJS.ProcessEnv): boolean {
  const endpoint = environment.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ?? environment.OTEL_EXPORTER_OTLP_ENDPOINT ?? '';
  return endpoint.trim() !== '' && environment.OTEL_SDK_DISABLED?.trim().toLowerCase() !== 'true';
}
