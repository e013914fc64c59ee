export type { CallContext, IncomingMetadata } from './call-context.js';
export { deadlineContextKey, deadlineFromContext, requestIdContextKey, requestIdFromContext } from './call-context.js';
export type { GrpcClientOptions } from './create-grpc-client.js';
export { createGrpcCaller, createGrpcClient } from './create-grpc-client.js';
export type { GrpcServer, GrpcServerOptions } from './create-grpc-server.js';
export { createGrpcServer } from './create-grpc-server.js';
export { requestIdHeader } from './request-id.js';
export type { ServiceImpl, UnaryHandler } from './service-impl.js';
// The client core services share with @causeloop/client, so a service needs one import.
export * from '../grpc-client/index.js';
