import { create, type DescMessage, type DescMethod, type Message } from '@bufbuild/protobuf';
import type { Deadline, handleUnaryCall } from '@grpc/grpc-js';
import { context as otelContext, propagation, SpanKind, SpanStatusCode, trace, type Context, type Span } from '@opentelemetry/api';
import { CauseloopError, isCauseloopError } from '../errors/causeloop-error.js';
import type { Logger } from '../log/create-logger.js';
import { resolveTraceId, traceparentHeader } from '../tracing/trace-id.js';
import { activeTracer } from '../tracing/tracer.js';
import { createIncomingMetadata, deadlineContextKey, requestIdContextKey, type CallContext } from './call-context.js';
import { statusForError } from '../grpc-client/error-mapping.js';
import { metadataGetter } from './metadata-carrier.js';
import { ensureRequestId } from './request-id.js';
import type { UnaryHandler } from './service-impl.js';

/** Counts calls whose handler is running, so draining knows what it waits for. */
export interface InFlightCalls {
  count: number;
}

export interface UnaryCallHandlerOptions {
  readonly logger: Logger;
  readonly inFlight: InFlightCalls;
}

/**
 * Adapts a typed handler to grpc-js: builds the CallContext, runs the handler inside the
 * caller's trace context, creates the response message, and turns thrown errors into
 * statuses. This is the only place a handler's call meets grpc-js `call`/`callback`.
 */
export function createUnaryCallHandler(
  method: DescMethod,
  handler: UnaryHandler<DescMessage, DescMessage>,
  options: UnaryCallHandlerOptions,
): handleUnaryCall<Message, Message> {
  const rpc = `${method.parent.typeName}/${method.name}`;
  const spanAttributes = { 'rpc.system': 'grpc', 'rpc.service': method.parent.typeName, 'rpc.method': method.name };
  return (call, callback) => {
    options.inFlight.count += 1;
    const requestId = ensureRequestId(call.metadata);
    // Made on first use (a handler's log line, a failure): most calls log nothing, and a
    // pino child per call was a fifth of a backend's allocations.
    let logger: Logger | undefined;
    const callLogger = (): Logger => (logger ??= options.logger.child({ request_id: requestId, rpc }));
    const deadline = deadlineDate(call.getDeadline());
    const abort = new AbortController();
    // grpc-js emits `cancelled` for a client cancel, an expired deadline (after it has
    // already answered DEADLINE_EXCEEDED) and a forced shutdown; the reason tells them apart.
    const onCancelled = (): void => abort.abort(abortReason(deadline));
    call.once('cancelled', onCancelled);
    const caller = propagation.extract(otelContext.active(), call.metadata, metadataGetter);
    const tracer = activeTracer();
    // With an exporter configured, the server span of this call, a child of the caller's.
    const span = tracer?.startSpan(rpc, { kind: SpanKind.SERVER, attributes: spanAttributes }, caller);
    const parent = span === undefined ? caller : trace.setSpan(caller, span);
    let traceId: string | undefined;
    const callContext: CallContext = {
      requestId,
      // Computed on first read (an audit entry, a log field): most calls never read it.
      get traceId() {
        traceId ??= resolveTraceId(call.metadata.get(traceparentHeader)[0], parent);
        return traceId;
      },
      get logger() {
        return callLogger();
      },
      signal: abort.signal,
      deadline,
      metadata: createIncomingMetadata(call.metadata),
    };
    const run = async (): Promise<Message> => create(method.output, await handler(call.request, callContext));
    otelContext
      .with(handlerContext(parent, requestId, deadline), run)
      .then(
        (response) => {
          endSpan(span, undefined);
          callback(null, response);
        },
        (error: unknown) => {
          logFailure(callLogger(), error, abort.signal.aborted);
          const status = statusForError(error);
          endSpan(span, status);
          callback(status);
        },
      )
      .finally(() => {
        call.removeListener('cancelled', onCancelled);
        options.inFlight.count -= 1;
      });
  };
}

function endSpan(span: Span | undefined, failure: { code: number; details: string } | undefined): void {
  if (span === undefined) return;
  span.setAttribute('rpc.grpc.status_code', failure?.code ?? 0);
  if (failure !== undefined) span.setStatus({ code: SpanStatusCode.ERROR, message: failure.details });
  span.end();
}

/**
 * The OpenTelemetry context the handler runs in: the caller's trace, with the request id
 * and deadline riding along, so outgoing calls forward the one and never outlive the other.
 */
function handlerContext(parent: Context, requestId: string, deadline: Date | undefined): Context {
  const withRequestId = parent.setValue(requestIdContextKey, requestId);
  return deadline === undefined ? withRequestId : withRequestId.setValue(deadlineContextKey, deadline);
}

function deadlineDate(deadline: Deadline): Date | undefined {
  const time = deadline instanceof Date ? deadline.getTime() : deadline;
  return Number.isFinite(time) ? new Date(time) : undefined;
}

function abortReason(deadline: Date | undefined): Error {
  if (deadline !== undefined && Date.now() >= deadline.getTime()) {
    return new CauseloopError('deadline_exceeded', 'deadline exceeded');
  }
  return new DOMException('the call was cancelled', 'AbortError');
}

function logFailure(logger: Logger, error: unknown, aborted: boolean): void {
  if (aborted) {
    // The caller is gone; nobody receives this status. Worth a trace, not an alarm.
    logger.debug({ err: error }, 'handler stopped after the call was cancelled');
  } else if (!isCauseloopError(error) || error.code === 'internal') {
    logger.error({ err: error }, 'handler failed');
  }
}
