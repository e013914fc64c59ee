import type { DescMessage, DescMethod, DescService, Message, MessageInitShape, MessageShape } from '@bufbuild/protobuf';
import { create } from '@bufbuild/protobuf';
import {
  makeGenericClientConstructor,
  Metadata,
  status as GrpcStatus,
  type ChannelOptions,
  type ClientUnaryCall,
  type ServiceError,
} from '@grpc/grpc-js';
import { sharedChannelOptions } from './channel-options.js';
import { errorFromServiceError } from './error-mapping.js';
import { createChannelCredentials, type GrpcTls } from './grpc-tls.js';
import { defaultMaxMessageBytes } from './message-size.js';
import { createMethodDefinition, createServiceDefinition } from './service-definition.js';

/** Where a failed call is noted at debug level; a pino logger is one. */
export interface GrpcClientLogger {
  debug(fields: Readonly<Record<string, unknown>>, message: string): void;
}

export interface BaseGrpcClientOptions {
  /** e.g. `dns:///insights:50051` (a headless service: one address per pod) or `127.0.0.1:50051`. */
  readonly address: string;
  readonly logger?: GrpcClientLogger;
  /** Deadline of a call that names none. Required: no call waits forever. */
  readonly defaultDeadlineMs: number;
  readonly tls?: GrpcTls;
  /** Merged over the defaults below (grpc-js channel option names). */
  readonly channelOptions?: ChannelOptions;
  /** Sees every call start and end (a service's client adds metrics, trace propagation and spans). */
  readonly observeCall?: CallObserver;
  /**
   * The deadline of the call being served when a handler makes this call, read as each call
   * starts: the call never outlives it.
   */
  readonly inheritedDeadline?: () => Date | undefined;
}

/** The RPC a call is made to, named once per method. */
export interface CalledRpc {
  /** `/<service>/<method>`, as on the wire. */
  readonly path: string;
  /** `<service>/<method>`, as logs and span names give it. */
  readonly name: string;
  /** Fully qualified service name, e.g. `causeloop.auth.v1.AuthService`. */
  readonly service: string;
  /** Method name as written in the proto, e.g. `ListScopes`. */
  readonly method: string;
}

/**
 * Called as each call starts, synchronously in the caller's async context and before the
 * metadata is sent (so it may add to it); what it returns is called once with the call's
 * final status. A plain function rather than a grpc-js interceptor: interceptors wrap every
 * call in extra call and listener objects, which the gateway bench measured at ≈ 5 % of
 * its CPU per request.
 */
export type CallObserver = (rpc: CalledRpc, metadata: Metadata) => CallEnd | undefined;
export type CallEnd = (code: GrpcStatus, details: string) => void;

export interface GrpcCallOptions {
  /** Overrides the client's default deadline for this call (a served call's deadline still caps it). */
  readonly deadlineMs?: number;
  /** Aborting cancels the call; it then rejects with `signal.reason`, as fetch does. */
  readonly signal?: AbortSignal;
  readonly metadata?: Readonly<Record<string, string>>;
}

/** One promise-returning method per unary RPC of `S`, keyed by `localName`, taking call options `O`. */
export type UnaryMethods<S extends DescService, O> = {
  [K in keyof S['method']]: S['method'][K] extends {
    methodKind: 'unary';
    input: infer I extends DescMessage;
    output: infer Out extends DescMessage;
  }
    ? (request: MessageInitShape<I>, options?: O) => Promise<MessageShape<Out>>
    : never;
};

/** The methods of `S` plus `close()`. */
export type GrpcClient<S extends DescService> = UnaryMethods<S, GrpcCallOptions> & {
  /** Closes the channel; calls made afterwards fail. */
  close(): void;
};

const defaultChannelOptions: ChannelOptions = {
  ...sharedChannelOptions(),
  // With `dns:///` addresses grpc-js otherwise uses pick_first: every call to one pod.
  'grpc.service_config': JSON.stringify({ loadBalancingConfig: [{ round_robin: {} }] }),
  'grpc.max_receive_message_length': defaultMaxMessageBytes,
  'grpc.max_send_message_length': defaultMaxMessageBytes,
  // Notice a silently dead peer (a pod gone without FIN) within ~40 s, while calls are open.
  'grpc.keepalive_time_ms': 30_000,
  'grpc.keepalive_timeout_ms': 10_000,
  'grpc.keepalive_permit_without_calls': 0,
};

/**
 * Calls the unary methods of one service by descriptor, the answer decoded by the caller:
 * what a router that is generic over services needs (the gateway transcodes each answer's
 * bytes straight to JSON, without making protobuf-es messages of them).
 */
export interface GrpcCaller {
  call<R>(method: DescMethod, request: Message, decode: (bytes: Buffer) => R, options?: GrpcCallOptions): Promise<R>;
  /** Closes the channel; calls made afterwards fail. */
  close(): void;
}

/**
 * A typed client for a protobuf-es service: `await client.echo({ message: 'hi' })`, built
 * on grpc-js and protobuf-es alone, so a library for other teams (`@causeloop/client`) can
 * use it without loading metrics or tracing. Every call has a deadline; failures reject
 * with a CauseloopError (see `errorFromServiceError`). Services use `createGrpcClient` from
 * `@causeloop/platform/grpc`, which adds their call observer.
 */
export function createBaseGrpcClient<S extends DescService>(service: S, options: BaseGrpcClientOptions): GrpcClient<S> {
  const caller = createBaseGrpcCaller(service, options);
  const methods: Record<string, unknown> = {
    close: () => caller.close(),
  };
  for (const method of service.methods) {
    const decode = createMethodDefinition(method).responseDeserialize;
    methods[method.localName] = (request: MessageInitShape<DescMessage>, callOptions?: GrpcCallOptions) =>
      caller.call(method, create(method.input, request), decode, callOptions);
  }
  return methods as GrpcClient<S>;
}

/** The untyped form of `createBaseGrpcClient` (which is built on it): see `GrpcCaller`. */
export function createBaseGrpcCaller(service: DescService, options: BaseGrpcClientOptions): GrpcCaller {
  const definitions = createServiceDefinition(service);
  const Client = makeGenericClientConstructor(definitions, service.typeName);
  const client = new Client(options.address, createChannelCredentials(options.tls), {
    ...defaultChannelOptions,
    ...options.channelOptions,
  });
  const { logger, inheritedDeadline, observeCall } = options;
  const called = new Map(
    service.methods.map((method) => {
      const definition = definitions[method.localName]!;
      const rpc: CalledRpc = { path: definition.path, name: `${service.typeName}/${method.name}`, service: service.typeName, method: method.name };
      return [method, { rpc, serialize: definition.requestSerialize }] as const;
    }),
  );

  return {
    close: () => client.close(),
    call: <R>(method: DescMethod, message: Message, decode: (bytes: Buffer) => R, callOptions: GrpcCallOptions = {}) =>
      new Promise<R>((resolve, reject) => {
        const target = called.get(method);
        if (target === undefined) throw new Error(`${service.typeName} has no method ${method.name}`);
        const { rpc, serialize } = target;
        const { signal } = callOptions;
        if (signal?.aborted) {
          reject(signal.reason);
          return;
        }
        const metadata = new Metadata();
        for (const [key, value] of Object.entries(callOptions.metadata ?? {})) metadata.set(key, value);
        const own = Date.now() + (callOptions.deadlineMs ?? options.defaultDeadlineMs);
        const deadline = new Date(Math.min(own, inheritedDeadline?.()?.getTime() ?? Infinity));
        const onAbort = (): void => call.cancel();
        const end = observeCall?.(rpc, metadata);
        // grpc-js captures a stack trace on every call (`new Error()`) for the error of a call
        // that fails; the rejection here is a CauseloopError made from the status, which never
        // shows it, so capturing nothing saves the 5-8 % of a gateway request it cost.
        const stackTraceLimit = Error.stackTraceLimit;
        Error.stackTraceLimit = 0;
        let call: ClientUnaryCall;
        try {
          call = client.makeUnaryRequest(rpc.path, serialize, decode, message, metadata, { deadline }, (error: ServiceError | null, response?: R) => {
            signal?.removeEventListener('abort', onAbort);
            end?.(error?.code ?? GrpcStatus.OK, error?.details ?? '');
            if (error === null && response !== undefined) {
              resolve(response);
            } else if (error !== null && error.code === GrpcStatus.CANCELLED && signal?.aborted) {
              reject(signal.reason);
            } else {
              const failure = error ?? ({ code: GrpcStatus.INTERNAL, details: 'no response', metadata: new Metadata() } as ServiceError);
              logger?.debug({ rpc: rpc.name, code: failure.code, details: failure.details }, 'grpc call failed');
              reject(errorFromServiceError(failure));
            }
          });
        } finally {
          Error.stackTraceLimit = stackTraceLimit;
        }
        signal?.addEventListener('abort', onAbort, { once: true });
      }),
  };
}
