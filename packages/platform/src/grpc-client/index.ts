// What a gRPC client needs and nothing more: grpc-js and protobuf-es, no metrics, logging
// or tracing packages (@causeloop/client's dependency-tree test holds it to that).
export type {
  BaseGrpcClientOptions,
  GrpcCallOptions,
  GrpcCaller,
  GrpcClient,
  GrpcClientLogger,
  UnaryMethods,
} from './create-base-grpc-client.js';
export { createBaseGrpcCaller, createBaseGrpcClient } from './create-base-grpc-client.js';
export { channelzVariable, sharedChannelOptions } from './channel-options.js';
export {
  errorCodeForStatus,
  errorCodeTrailer,
  errorFromServiceError,
  errorViolationsTrailer,
  grpcStatusOf,
  internalErrorMessage,
  statusForError,
} from './error-mapping.js';
export type { GrpcTls } from './grpc-tls.js';
export { defaultMaxMessageBytes } from './message-size.js';
export type { ProtoMethodDefinition } from './service-definition.js';
export { createMethodDefinition, createServiceDefinition } from './service-definition.js';
