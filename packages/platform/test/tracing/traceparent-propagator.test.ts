import { ROOT_CONTEXT, trace, TraceFlags, type TextMapGetter, type TextMapSetter } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { traceparentPropagator } from '../../src/tracing/traceparent-propagator.js';

type Headers = Record<string, string>;
const getter: TextMapGetter<Headers> = { keys: (carrier) => Object.keys(carrier), get: (carrier, key) => carrier[key] };
const setter: TextMapSetter<Headers> = { set: (carrier, key, value) => void (carrier[key] = value) };
const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
const spanId = '00f067aa0ba902b7';

const extracted = (traceparent: string) => trace.getSpanContext(traceparentPropagator.extract(ROOT_CONTEXT, { traceparent }, getter));

describe('traceparentPropagator (tracing off)', () => {
  it('honours a caller’s traceparent and forwards it unchanged', () => {
    const context = traceparentPropagator.extract(ROOT_CONTEXT, { traceparent: `00-${traceId}-${spanId}-01` }, getter);
    expect(trace.getSpanContext(context)).toEqual({ traceId, spanId, traceFlags: TraceFlags.SAMPLED, isRemote: true });
    const carrier: Headers = {};
    traceparentPropagator.inject(context, carrier, setter);
    expect(carrier).toEqual({ traceparent: `00-${traceId}-${spanId}-01` });
  });

  it('ignores malformed, all-zero and version ff headers, and injects nothing without a trace', () => {
    for (const header of ['nonsense', `00-${'0'.repeat(32)}-${spanId}-01`, `00-${traceId}-${'0'.repeat(16)}-01`, `ff-${traceId}-${spanId}-01`, `00-${traceId}-${spanId}-01-extra`]) {
      expect(extracted(header), header).toBeUndefined();
    }
    const carrier: Headers = {};
    traceparentPropagator.inject(ROOT_CONTEXT, carrier, setter);
    expect(carrier).toEqual({});
  });

  it('accepts a later version’s extra fields', () => {
    expect(extracted(`01-${traceId}-${spanId}-00-more`)?.traceId).toBe(traceId);
  });
});
