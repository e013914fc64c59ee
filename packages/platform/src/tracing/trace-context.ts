import { context, propagation } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { traceparentPropagator } from './traceparent-propagator.js';

/**
 * What every process runs with tracing off: an AsyncLocalStorage context manager (a
 * served call's trace, request id and deadline follow its handler's awaits, so outgoing
 * calls forward them) and `traceparent` propagation. No tracer, no span, no SDK.
 */
export function installTraceContext(): void {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(traceparentPropagator);
}
