import { InterceptingCall, type Interceptor } from '@grpc/grpc-js';
import { context, propagation } from '@opentelemetry/api';
import { requestIdFromContext } from '../call-context.js';
import { metadataSetter } from '../metadata-carrier.js';
import { generateRequestId, isAcceptableRequestId, requestIdHeader } from '../request-id.js';

/**
 * Carries the caller's context across the hop: W3C trace context (`traceparent`, through
 * the globally registered propagator) and `x-request-id` — the id given by the caller, else
 * the id of the call being served (a handler calling another service), else a new one.
 * grpc-js runs `start` synchronously inside the client method, so `context.active()` is
 * the caller's context.
 */
export function createClientPropagationInterceptor(): Interceptor {
  return (options, nextCall) =>
    new InterceptingCall(nextCall(options), {
      start: (metadata, listener, next) => {
        const active = context.active();
        propagation.inject(active, metadata, metadataSetter);
        const [given] = metadata.get(requestIdHeader);
        if (!isAcceptableRequestId(given)) {
          metadata.set(requestIdHeader, requestIdFromContext(active) ?? generateRequestId());
        }
        next(metadata, listener);
      },
    });
}
