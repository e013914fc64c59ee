import type { DescMessage, DescService, Message, MessageInitShape, MessageShape } from '@bufbuild/protobuf';
import { create } from '@bufbuild/protobuf';
import {
  makeGenericClientConstructor,
  Metadata,
  status as GrpcStatus,
  type ChannelOptions,
  type Interceptor,
  type ServiceError,
} from '@grpc/grpc-js';
import { context as otelContext } from '@opentelemetry/api';
import type { Registry } from 'prom-client';
import type { Logger } from '../log/create-logger.js';
import { createGrpcMetrics } from '../metrics/grpc-metrics.js';
import { deadlineFromContext } from './call-context.js';
import { defaultMaxMessageBytes } from './create-grpc-server.js';
import { errorFromServiceError } from './error-mapping.js';
import { createClientMetricsInterceptor } from './interceptors/client-metrics.js';
import { createClientPropagationInterceptor } from './interceptors/client-propagation.js';
import { createMethodDefinition, createServiceDefinition } from './service-definition.js';
import { createChannelCredentials, type GrpcTls } from './tls.js';

export interface GrpcClientOptions {
  /** e.g. `dns:///insights:50051` (a headless service: one address per pod) or `127.0.0.1:50051`. */
  readonly address: string;
  readonly logger?: Logger;
  /** When given, client metrics are declared on (or reused from) it. */
  readonly registry?: Registry;
  /** Deadline of a call that names none. Required: no call waits forever. */
  readonly defaultDeadlineMs: number;
  readonly tls?: GrpcTls;
  /** Merged over the defaults below (grpc-js channel option names). */
  readonly channelOptions?: ChannelOptions;
}

export interface GrpcCallOptions {
  /** Overrides the client's default deadline for this call (a served call's deadline still caps it). */
  readonly deadlineMs?: number;
  /** Aborting cancels the call; it then rejects with `signal.reason`, as fetch does. */
  readonly signal?: AbortSignal;
  readonly metadata?: Readonly<Record<string, string>>;
}

/** One promise-returning method per unary RPC, keyed by `localName`, plus `close()`. */
export type GrpcClient<S extends DescService> = {
  [K in keyof S['method']]: S['method'][K] extends {
    methodKind: 'unary';
    input: infer I extends DescMessage;
    output: infer O extends DescMessage;
  }
    ? (request: MessageInitShape<I>, options?: GrpcCallOptions) => Promise<MessageShape<O>>
    : never;
} & {
  /** Closes the channel; calls made afterwards fail. */
  close(): void;
};

const defaultChannelOptions: ChannelOptions = {
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
 * A typed client for a protobuf-es service: `await client.echo({ message: 'hi' })`.
 * Every call has a deadline; failures reject with a CauseloopError (see
 * `errorFromServiceError`); trace context and `x-request-id` travel in metadata.
 */
export function createGrpcClient<S extends DescService>(service: S, options: GrpcClientOptions): GrpcClient<S> {
  const interceptors: Interceptor[] = [createClientPropagationInterceptor()];
  if (options.registry !== undefined) interceptors.push(createClientMetricsInterceptor(createGrpcMetrics(options.registry)));
  const Client = makeGenericClientConstructor(createServiceDefinition(service), service.typeName);
  const client = new Client(options.address, createChannelCredentials(options.tls), {
    ...defaultChannelOptions,
    ...options.channelOptions,
    interceptors,
  });
  const logger = options.logger;

  const methods: Record<string, unknown> = {
    close: () => client.close(),
  };
  for (const method of service.methods) {
    const definition = createMethodDefinition(method);
    const rpc = `${service.typeName}/${method.name}`;
    methods[method.localName] = (request: MessageInitShape<DescMessage>, callOptions: GrpcCallOptions = {}) =>
      new Promise<Message>((resolve, reject) => {
        const { signal } = callOptions;
        if (signal?.aborted) {
          reject(signal.reason);
          return;
        }
        const metadata = new Metadata();
        for (const [key, value] of Object.entries(callOptions.metadata ?? {})) metadata.set(key, value);
        const own = Date.now() + (callOptions.deadlineMs ?? options.defaultDeadlineMs);
        // Inside a handler, never outlive the call being served.
        const inherited = deadlineFromContext(otelContext.active())?.getTime() ?? Infinity;
        const deadline = new Date(Math.min(own, inherited));
        const onAbort = (): void => call.cancel();
        const call = client.makeUnaryRequest(
          definition.path,
          definition.requestSerialize,
          definition.responseDeserialize,
          create(method.input, request),
          metadata,
          { deadline },
          (error: ServiceError | null, response?: Message) => {
            signal?.removeEventListener('abort', onAbort);
            if (error === null && response !== undefined) {
              resolve(response);
            } else if (error !== null && error.code === GrpcStatus.CANCELLED && signal?.aborted) {
              reject(signal.reason);
            } else {
              const failure = error ?? ({ code: GrpcStatus.INTERNAL, details: 'no response', metadata: new Metadata() } as ServiceError);
              logger?.debug({ rpc, code: failure.code, details: failure.details }, 'grpc call failed');
              reject(errorFromServiceError(failure));
            }
          },
        );
        signal?.addEventListener('abort', onAbort, { once: true });
      });
  }
  return methods as GrpcClient<S>;
}
