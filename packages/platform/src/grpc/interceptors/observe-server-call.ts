import {
  ResponderBuilder,
  ServerInterceptingCall,
  ServerListenerBuilder,
  status as GrpcStatus,
  type Metadata,
  type ServerInterceptingCallInterface,
} from '@grpc/grpc-js';

export interface ServerCallObserver {
  /** Sees the incoming metadata before the handler does. */
  onMetadata?(metadata: Metadata): void;
  /** Called exactly once with the call's final status code. */
  onEnd(code: GrpcStatus): void;
}

/**
 * Wraps a server call to learn how it ended. A status sent by the handler passes through
 * `sendStatus`; a deadline expiry or client cancel never does (grpc-js answers those below
 * the interceptors) and shows up as `onCancel` instead.
 */
export function observeServerCall(
  call: ServerInterceptingCallInterface,
  observer: ServerCallObserver,
): ServerInterceptingCall {
  let ended = false;
  const end = (code: GrpcStatus): void => {
    if (ended) return;
    ended = true;
    observer.onEnd(code);
  };
  const listener = new ServerListenerBuilder()
    .withOnReceiveMetadata((metadata, next) => {
      observer.onMetadata?.(metadata);
      next(metadata);
    })
    .withOnCancel(() => end(deadlinePassed(call) ? GrpcStatus.DEADLINE_EXCEEDED : GrpcStatus.CANCELLED))
    .build();
  const responder = new ResponderBuilder()
    .withStart((next) => next(listener))
    .withSendStatus((status, next) => {
      end(status.code);
      next(status);
    })
    .build();
  return new ServerInterceptingCall(call, responder);
}

function deadlinePassed(call: ServerInterceptingCallInterface): boolean {
  const deadline = call.getDeadline();
  const time = deadline instanceof Date ? deadline.getTime() : deadline;
  return Number.isFinite(time) && Date.now() >= time;
}
