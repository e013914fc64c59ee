import { ROOT_CONTEXT, trace, TraceFlags } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { resolveTraceId, traceparentFor } from '../../src/tracing/trace-id.js';

const callerTrace = '4bf92f3577b34da6a3ce929d0e0e4736';

describe('resolveTraceId', () => {
  it('is the active span’s trace when tracing runs', () => {
    const span = { traceId: callerTrace, spanId: '00f067aa0ba902b7', traceFlags: TraceFlags.SAMPLED };
    const context = trace.setSpanContext(ROOT_CONTEXT, span);
    expect(resolveTraceId('00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01', context)).toBe(callerTrace);
  });

  it('is the caller’s traceparent when no tracer runs (a direct client, a gateway without tracing)', () => {
    expect(resolveTraceId(`00-${callerTrace}-00f067aa0ba902b7-01`, ROOT_CONTEXT)).toBe(callerTrace);
  });

  it('is a fresh id for each caller that names no trace, or an invalid one', () => {
    const headers = [undefined, 'not a traceparent', `00-${'0'.repeat(32)}-00f067aa0ba902b7-01`, ['two', 'values'], undefined];
    const ids = headers.map((header) => resolveTraceId(header, ROOT_CONTEXT));
    for (const id of ids) expect(id).toMatch(/^[\da-f]{32}$/);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('continues a trace across a hop made without a tracer', () => {
    expect(resolveTraceId(traceparentFor(callerTrace), ROOT_CONTEXT)).toBe(callerTrace);
  });
});
