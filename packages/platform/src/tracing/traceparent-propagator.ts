import {
  isSpanContextValid,
  trace,
  TraceFlags,
  type Context,
  type TextMapGetter,
  type TextMapPropagator,
  type TextMapSetter,
} from '@opentelemetry/api';
import { traceparentHeader } from './trace-id.js';

// version-trace id-parent id-flags; later versions may append fields, version 00 may not.
const traceparent = /^([\da-f]{2})-([\da-f]{32})-([\da-f]{16})-([\da-f]{2})(-.*)?$/;

/**
 * W3C `traceparent` alone, for processes running without the SDK: what
 * `@opentelemetry/core`'s W3CTraceContextPropagator does for that header, without loading
 * that package (≈ 12 MB of resident memory). `tracestate` is not carried: nothing here
 * reads it, and the SDK's propagator carries it once tracing exports.
 */
export const traceparentPropagator: TextMapPropagator = {
  inject(context: Context, carrier: unknown, setter: TextMapSetter): void {
    const span = trace.getSpanContext(context);
    if (span === undefined || !isSpanContextValid(span)) return;
    const flags = (span.traceFlags & TraceFlags.SAMPLED).toString(16).padStart(2, '0');
    setter.set(carrier, traceparentHeader, `00-${span.traceId}-${span.spanId}-${flags}`);
  },
  extract(context: Context, carrier: unknown, getter: TextMapGetter): Context {
    const value = getter.get(carrier, traceparentHeader);
    const header = (Array.isArray(value) ? value[0] : value)?.trim();
    const match = header === undefined ? null : traceparent.exec(header);
    if (match === null) return context;
    const [, version, traceId, spanId, flags, rest] = match;
    if (version === 'ff' || (version === '00' && rest !== undefined)) return context;
    const spanContext = { traceId: traceId!, spanId: spanId!, traceFlags: Number.parseInt(flags!, 16) & TraceFlags.SAMPLED, isRemote: true };
    return isSpanContextValid(spanContext) ? trace.setSpanContext(context, spanContext) : context;
  },
  fields: () => [traceparentHeader],
};
