import { randomFillSync } from 'node:crypto';
import { context as otelContext, trace, type Context } from '@opentelemetry/api';

export const traceparentHeader = 'traceparent';

const traceparent = /^[\da-f]{2}-([\da-f]{32})-[\da-f]{16}-[\da-f]{2}$/;
const invalidTraceId = '0'.repeat(32);

/**
 * The W3C trace id of the work being done (a served gRPC call, an HTTP request). With
 * tracing running, `context` (the active one unless given) holds its span, a child of the
 * caller's; without it, the caller's `traceparent` still names the trace; a caller that
 * sent neither gets a fresh id, as a tracer would start a new trace. The gateway and the
 * backends resolve it the same way, so a request has one trace id end to end, and audit
 * entries can always record it. Callers compute it only when something reads it.
 */
export function resolveTraceId(callerTraceparent: unknown, context: Context = otelContext.active()): string {
  const span = trace.getSpanContext(context);
  if (span !== undefined && trace.isSpanContextValid(span)) return span.traceId;
  return traceIdOf(callerTraceparent) ?? generateTraceId();
}

/** The trace id a `traceparent` header value names, if it is well-formed and valid. */
export function traceIdOf(callerTraceparent: unknown): string | undefined {
  const given = typeof callerTraceparent === 'string' ? traceparent.exec(callerTraceparent.trim())?.[1] : undefined;
  return given !== undefined && given !== invalidTraceId ? given : undefined;
}

/**
 * A `traceparent` continuing `traceId` from a new span id, for a hop made without a tracer
 * (which would inject its own, replacing this one), so the next service stays in the trace.
 */
export function traceparentFor(traceId: string): string {
  return `00-${traceId}-${randomHex(8)}-01`;
}

/** A new W3C trace id (16 random bytes as 32 hex digits), for work no caller's trace covers. */
export function generateTraceId(): string {
  return randomHex(16);
}

// Ids are cut from a pooled CSPRNG buffer: one `randomFillSync` per 256 ids instead of
// one `randomBytes` call (and its Buffer) per id, which showed up in the gateway's profile.
const poolBytes = 4096;
let pool = Buffer.allocUnsafeSlow(poolBytes);
let used = poolBytes;

function randomHex(bytes: number): string {
  if (used + bytes > poolBytes) {
    pool = randomFillSync(pool);
    used = 0;
  }
  const hex = pool.toString('hex', used, used + bytes);
  used += bytes;
  return hex;
}
