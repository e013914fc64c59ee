import type { Tracer } from '@opentelemetry/api';

/**
 * What the platform's span-making code asks before doing any work: the tracer when an
 * exporter is configured, else undefined, and then no span (not even a non-recording one)
 * is made. Kept on `globalThis` under a registered symbol, like the OpenTelemetry API's
 * own globals, so the copy `--import` loaded and the copy a service imports agree.
 */
interface TracingState {
  readonly tracer: Tracer;
  readonly shutdown: () => Promise<void>;
}

const stateKey = Symbol.for('causeloop.tracing');
type TracingGlobal = typeof globalThis & { [stateKey]?: TracingState };

export function activeTracer(): Tracer | undefined {
  return (globalThis as TracingGlobal)[stateKey]?.tracer;
}

/** Set once by `startTracing`, when the SDK runs. */
export function setTracingState(state: TracingState): void {
  (globalThis as TracingGlobal)[stateKey] = state;
}

/** Flushes and stops the SDK if it was started; a lifecycle shutdown step. */
export async function shutdownTracing(): Promise<void> {
  await (globalThis as TracingGlobal)[stateKey]?.shutdown();
}
