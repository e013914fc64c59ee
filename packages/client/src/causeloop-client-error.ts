import { GrpcStatus, isCauseloopError, type ErrorCode, type FieldViolation } from '@causeloop/platform/errors';
import { grpcStatusOf } from '@causeloop/platform/grpc-client';

/**
 * The one error a client call rejects with (an aborted call rejects with the signal's
 * reason instead, as fetch does). `code` is the stable problem code the server sent in
 * its error trailer (the same `code` the HTTP API puts in its problem body), so callers
 * branch on it rather than on the coarser gRPC status. The message is the server's
 * detail, which the server guarantees holds no secrets.
 */
export class CauseloopClientError extends Error {
  override readonly name = 'CauseloopClientError';
  /** Stable snake_case problem code, e.g. `not_found`, `insufficient_scope`. */
  readonly code: ErrorCode;
  /** Numeric gRPC status, e.g. 5. */
  readonly grpcCode: GrpcStatus;
  /** The gRPC status's name, e.g. `NOT_FOUND`. */
  readonly grpcCodeName: string;
  /** `package.Service/Method` of the call that failed. */
  readonly rpc: string;
  readonly violations: readonly FieldViolation[];

  constructor(options: {
    code: ErrorCode;
    grpcCode: GrpcStatus;
    rpc: string;
    message: string;
    violations?: readonly FieldViolation[];
    cause?: unknown;
  }) {
    super(options.message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = options.code;
    this.grpcCode = options.grpcCode;
    this.grpcCodeName = GrpcStatus[options.grpcCode] ?? 'UNKNOWN';
    this.rpc = options.rpc;
    this.violations = options.violations ?? [];
  }
}

/** Structural check by name and fields, so errors from another copy of this package still match. */
export function isCauseloopClientError(error: unknown): error is CauseloopClientError {
  if (!(error instanceof Error) || error.name !== 'CauseloopClientError') return false;
  const candidate = error as Error & { code?: unknown; grpcCode?: unknown };
  return typeof candidate.code === 'string' && typeof candidate.grpcCode === 'number';
}

/**
 * Re-types a failure of the platform's gRPC client. It rejects with a CauseloopError whose
 * `cause` is the grpc-js ServiceError; anything else (an abort reason) passes through.
 */
export function toClientError(error: unknown, rpc: string): unknown {
  if (!isCauseloopError(error)) return error;
  return new CauseloopClientError({
    code: error.code,
    grpcCode: grpcStatusOf(error) ?? error.grpcStatus,
    rpc,
    message: error.message,
    violations: error.violations,
    cause: error.cause,
  });
}
