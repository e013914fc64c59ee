import { InterceptingCall, type Interceptor } from '@grpc/grpc-js';
import { context, propagation, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { activeTracer } from '../../tracing/tracer.js';
import { requestIdFromContext } from '../call-context.js';
import { metadataSetter } from '../metadata-carrier.js';
import { generateRequestId, isAcceptableRequestId, requestIdHeader } from '../request-id.js';
import { rpcNameFromPath } from '../rpc-names.js';

/**
 * Carries the caller's context across the hop: W3C trace context (`traceparent`, through
 * the globally registered propagator) and `x-request-id` — the id given by the caller, else
 * the id of the call being served (a handler calling another service), else a new one.
 * With an exporter configured it also makes the call's client span (a child of the active
 * span), whose context is what travels. grpc-js runs the interceptor and `start`
 * synchronously inside the client method, so `context.active()` is the caller's context.
 */
export function createClientPropagationInterceptor(): Interceptor {
  return (options, nextCall) => {
    const active = context.active();
    const tracer = activeTracer();
    const { path } = options.method_definition;
    const span = tracer?.startSpan(
      path.slice(1),
      { kind: SpanKind.CLIENT, attributes: { 'rpc.system': 'grpc', ...rpcAttributes(path) } },
      active,
    );
    return new InterceptingCall(nextCall(options), {
      start: (metadata, listener, next) => {
        propagation.inject(span === undefined ? active : trace.setSpan(active, span), metadata, metadataSetter);
        const [given] = metadata.get(requestIdHeader);
        if (!isAcceptableRequestId(given)) {
          metadata.set(requestIdHeader, requestIdFromContext(active) ?? generateRequestId());
        }
        if (span === undefined) {
          next(metadata, listener);
          return;
        }
        next(metadata, {
          onReceiveStatus: (status, nextStatus) => {
            span.setAttribute('rpc.grpc.status_code', status.code);
            if (status.code !== 0) span.setStatus({ code: SpanStatusCode.ERROR, message: status.details });
            span.end();
            nextStatus(status);
          },
        });
      },
    });
  };
}

function rpcAttributes(path: string): { 'rpc.service': string; 'rpc.method': string } {
  const { service, method } = rpcNameFromPath(path);
  return { 'rpc.service': service, 'rpc.method': method };
}
