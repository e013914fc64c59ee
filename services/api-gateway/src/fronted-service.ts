import type { DescMethod, DescService, JsonObject, Message } from '@bufbuild/protobuf';
import type { GrpcCallOptions, GrpcCaller } from '@causeloop/platform/grpc';
import { jsonTranscoder } from './routes/json-transcoder.js';

/** Calls one unary RPC with an already-built request message; resolves with the answer as JSON. */
export type UnaryCall = (method: DescMethod, request: Message, options: GrpcCallOptions) => Promise<JsonObject>;

/** A backend the gateway routes to: its descriptor (rules, schemas) and a way to call it. */
export interface FrontedService {
  readonly service: DescService;
  readonly call: UnaryCall;
}

/**
 * Pairs a descriptor with a caller of its service. Answers are transcoded from their bytes
 * straight to the JSON the routes send (see `jsonTranscoder`), never made into messages.
 */
export function frontService(service: DescService, caller: GrpcCaller): FrontedService {
  const transcoders = new Map(service.methods.map((method) => [method, jsonTranscoder(method.output)]));
  return {
    service,
    call: (method, request, options) => {
      const transcode = transcoders.get(method);
      if (transcode === undefined) throw new Error(`${service.typeName} has no method ${method.name}`);
      return caller.call(method, request, transcode, options);
    },
  };
}
