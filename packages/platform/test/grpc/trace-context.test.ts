import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { context, propagation, trace, TraceFlags } from '@opentelemetry/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEcho, type EchoHarness } from './echo-fixture.js';

describe('trace context and request id across a call', () => {
  let echo: EchoHarness;
  const seen: { traceId: string | undefined; requestId: string }[] = [];

  beforeAll(async () => {
    // What the platform's tracing registers in a real process (this file runs in its own fork).
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    propagation.setGlobalPropagator(new W3CTraceContextPropagator());
    echo = await startEcho({
      impl: {
        echo: async (request, ctx) => {
          seen.push({ traceId: trace.getActiveSpan()?.spanContext().traceId, requestId: ctx.requestId });
          ctx.logger.info('inside handler');
          return { message: request.message };
        },
      },
    });
  });
  afterAll(async () => {
    await echo.close();
    context.disable();
    propagation.disable();
  });

  it("runs the handler inside the caller's trace, so its logs carry the trace id", async () => {
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const spanContext = { traceId, spanId: '00f067aa0ba902b7', traceFlags: TraceFlags.SAMPLED, isRemote: false };
    await context.with(trace.setSpanContext(context.active(), spanContext), () => echo.client.echo({ message: 'traced' }));
    expect(seen.at(-1)?.traceId).toBe(traceId);
    const line = echo.logs.find((entry) => entry['message'] === 'inside handler');
    expect(line).toMatchObject({ trace_id: traceId, rpc: 'causeloop.testing.v1.EchoService/Echo' });
    expect(line?.['request_id']).toBe(seen.at(-1)?.requestId);
  });

  it('sends a request id when the caller gives none', async () => {
    await echo.client.echo({ message: 'no id' });
    expect(seen.at(-1)?.requestId).toMatch(/^[0-9a-f-]{36}$/);
  });
});
