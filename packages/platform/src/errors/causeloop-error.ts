import { errorCatalogue, isErrorCode, type ErrorCode } from './catalogue.js';
import { GrpcStatus, httpStatusForGrpc } from './grpc-status.js';

export interface CauseloopErrorOptions {
  /** Field-level problems, e.g. one per invalid request field or config variable. */
  readonly violations?: readonly FieldViolation[];
  readonly cause?: unknown;
}

export interface FieldViolation {
  readonly field: string;
  readonly description: string;
}

/**
 * The error type used everywhere. `message` is the detail shown to callers, so it must
 * never contain secrets; internal causes stay in `cause` and reach only the logs.
 */
export class CauseloopError extends Error {
  override readonly name = 'CauseloopError';
  readonly code: ErrorCode;
  readonly violations: readonly FieldViolation[];

  constructor(code: ErrorCode, message: string, options: CauseloopErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.violations = options.violations ?? [];
  }

  get grpcStatus(): GrpcStatus {
    return errorCatalogue[this.code].grpc;
  }

  get httpStatus(): number {
    const spec: { http?: number; grpc: GrpcStatus } = errorCatalogue[this.code];
    return spec.http ?? httpStatusForGrpc(spec.grpc);
  }

  get title(): string {
    return errorCatalogue[this.code].title;
  }
}

/** Structural check (by `code`), so errors from another copy of this package still match. */
export function isCauseloopError(error: unknown): error is CauseloopError {
  if (!(error instanceof Error) || error.name !== 'CauseloopError') return false;
  const { code } = error as Error & { code?: unknown };
  return typeof code === 'string' && isErrorCode(code);
}
