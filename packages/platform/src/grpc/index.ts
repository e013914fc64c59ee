export type { CallContext, IncomingMetadata } from './call-context.js';
export { deadlineContextKey, deadlineFromContext, requestIdContextKey, requestIdFromContext } from './call-context.js';
export type { GrpcCallOptions, GrpcClient, GrpcClientOptions } from './create-grpc-client.js';
export { createGrpcClient } from './create-grpc-client.js';
export type { GrpcServer, GrpcServerOptions } from './create-grpc-server.js';
export { createGrpcServer, defaultMaxMessageBytes } from './create-grpc-server.js';
export {
  errorCodeForStatus,
  errorCodeTrailer,
  errorFromServiceError,
  errorViolationsTrailer,
  grpcStatusOf,
  internalErrorMessage,
  statusForError,
} from './error-mapping.js';
export { requestIdHeader } from './request-id.js';
export type { ProtoMethodDefinition } from './service-definition.js';
export { createMethodDefinition, createServiceDefinition } from './service-definition.js';
export type { ServiceImpl, UnaryHandler } from './service-impl.js';
export type { GrpcTls } from './tls.js';
