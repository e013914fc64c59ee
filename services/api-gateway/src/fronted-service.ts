import type { DescMethod, DescService, Message } from '@bufbuild/protobuf';
import type { GrpcCallOptions, GrpcCaller } from '@causeloop/platform/grpc';
import { jsonTranscoder } from './routes/json-transcoder.js';

/** Calls one unary RPC with an already-built request message; resolves with the answer as JSON text. */
export type UnaryCall = (method: DescMethod, request: Message, options: GrpcCallOptions) => Promise<string>;

/** A backend the gateway routes to: its descriptor (rules, schemas) and a way to call it. */
export interface FrontedService {
  readonly service: DescService;
  readonly call: UnaryCall;
}

/**
 * Pairs a descriptor with a caller of its service. Answers are transcoded from their bytes
 * straight to the JSON text the routes send (see `jsonTranscoder`), never made into messages.
 */
export function frontService(service: DescService, caller: GrpcCaller): FrontedService {
  // The caller refuses a method its service does not have; the transcoder is compiled once per type.
  return { service, call: (method, request, options) => caller.call(method, request, jsonTranscoder(method.output), options) };
}
