import { GrpcStatus } from './grpc-status.js';

export interface ErrorSpec {
  /** gRPC status the error travels as. */
  readonly grpc: GrpcStatus;
  /** HTTP status, when it differs from the gRPC status's usual mapping (e.g. 422). */
  readonly http?: number;
  /** Short, human title for problem details; never carries request data. */
  readonly title: string;
}

/**
 * Every stable error code Causeloop answers with, keyed by code. Callers classify errors
 * by `code`, never by `instanceof`, so two copies of this package still agree.
 */
export const errorCatalogue = {
  invalid_argument: { grpc: GrpcStatus.INVALID_ARGUMENT, title: 'Invalid argument' },
  unauthenticated: { grpc: GrpcStatus.UNAUTHENTICATED, title: 'Authentication required' },
  insufficient_scope: { grpc: GrpcStatus.PERMISSION_DENIED, title: 'Insufficient scope' },
  permission_denied: { grpc: GrpcStatus.PERMISSION_DENIED, title: 'Permission denied' },
  not_found: { grpc: GrpcStatus.NOT_FOUND, title: 'Not found' },
  already_exists: { grpc: GrpcStatus.ALREADY_EXISTS, title: 'Already exists' },
  conflict: { grpc: GrpcStatus.ABORTED, title: 'Conflict' },
  idempotency_key_in_use: { grpc: GrpcStatus.ABORTED, title: 'Idempotency key in use' },
  idempotency_key_reused: { grpc: GrpcStatus.FAILED_PRECONDITION, http: 422, title: 'Idempotency key reused' },
  unprocessable: { grpc: GrpcStatus.FAILED_PRECONDITION, http: 422, title: 'Unprocessable request' },
  last_owner: { grpc: GrpcStatus.FAILED_PRECONDITION, http: 422, title: 'The last owner cannot be removed or demoted' },
  retention_below_minimum: { grpc: GrpcStatus.FAILED_PRECONDITION, http: 422, title: 'Retention below the minimum' },
  invalid_transition: { grpc: GrpcStatus.FAILED_PRECONDITION, title: 'Status change not allowed' },
  rate_limited: { grpc: GrpcStatus.RESOURCE_EXHAUSTED, title: 'Too many requests' },
  payload_too_large: { grpc: GrpcStatus.RESOURCE_EXHAUSTED, http: 413, title: 'Payload too large' },
  unsupported_media_type: { grpc: GrpcStatus.INVALID_ARGUMENT, http: 415, title: 'Unsupported media type' },
  resource_exhausted: { grpc: GrpcStatus.RESOURCE_EXHAUSTED, title: 'Resource exhausted' },
  cancelled: { grpc: GrpcStatus.CANCELLED, title: 'Request cancelled' },
  unimplemented: { grpc: GrpcStatus.UNIMPLEMENTED, title: 'Not implemented' },
  deadline_exceeded: { grpc: GrpcStatus.DEADLINE_EXCEEDED, title: 'Deadline exceeded' },
  unavailable: { grpc: GrpcStatus.UNAVAILABLE, title: 'Service unavailable' },
  decryption_failed: { grpc: GrpcStatus.FAILED_PRECONDITION, http: 422, title: 'Decryption failed' },
  tenant_not_set: { grpc: GrpcStatus.FAILED_PRECONDITION, http: 500, title: 'Tenant context missing' },
  config_invalid: { grpc: GrpcStatus.FAILED_PRECONDITION, http: 500, title: 'Invalid configuration' },
  database_role_unsafe: { grpc: GrpcStatus.FAILED_PRECONDITION, http: 500, title: 'Unsafe database role' },
  internal: { grpc: GrpcStatus.INTERNAL, title: 'Internal error' },
} as const satisfies Record<string, ErrorSpec>;

export type ErrorCode = keyof typeof errorCatalogue;

export function isErrorCode(value: string): value is ErrorCode {
  return Object.hasOwn(errorCatalogue, value);
}
