import type { DescMethod, DescService, Message } from '@bufbuild/protobuf';
import type { GrpcCallOptions, GrpcClient } from '@causeloop/platform/grpc';

/** Calls one unary RPC with an already-built request message. */
export type UnaryCall = (method: DescMethod, request: Message, options: GrpcCallOptions) => Promise<Message>;

/** A backend the gateway routes to: its descriptor (rules, schemas) and a way to call it. */
export interface FrontedService {
  readonly service: DescService;
  readonly call: UnaryCall;
}

type UntypedUnary = (request: Message, options: GrpcCallOptions) => Promise<Message>;

/**
 * Pairs a descriptor with its typed client. The router is generic over services, so it
 * calls methods by `localName`; the client was built from the same descriptor, so every
 * unary method is there.
 */
export function frontService<S extends DescService>(service: S, client: GrpcClient<S>): FrontedService {
  const methods = client as unknown as Readonly<Record<string, UntypedUnary | undefined>>;
  return {
    service,
    call: (method, request, options) => {
      const fn = methods[method.localName];
      if (fn === undefined) throw new Error(`${service.typeName} client has no method ${method.localName}`);
      return fn(request, options);
    },
  };
}
