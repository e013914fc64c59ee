import { Metadata, type ServiceError, type StatusObject } from '@grpc/grpc-js';
import { isErrorCode, type ErrorCode } from '../errors/catalogue.js';
import { CauseloopError, isCauseloopError, type FieldViolation } from '../errors/causeloop-error.js';
import { GrpcStatus } from '../errors/grpc-status.js';

export const errorCodeTrailer = 'causeloop-error-code';
export const errorViolationsTrailer = 'causeloop-error-violations';

/** What callers see for anything that is not a CauseloopError: the real error is only logged. */
export const internalErrorMessage = 'internal error';

/**
 * The status a handler's thrown error is sent as. A CauseloopError travels as its catalogue
 * status with its message (safe by contract) and its code in trailing metadata, so the
 * caller gets the exact code back, not just the coarser gRPC status. Anything else is
 * INTERNAL with a generic message: its text may hold secrets or internals.
 */
export function statusForError(error: unknown): Pick<StatusObject, 'code' | 'details' | 'metadata'> {
  const metadata = new Metadata();
  if (!isCauseloopError(error)) {
    metadata.set(errorCodeTrailer, 'internal');
    return { code: GrpcStatus.INTERNAL, details: internalErrorMessage, metadata };
  }
  metadata.set(errorCodeTrailer, error.code);
  if (error.violations.length > 0) metadata.set(errorViolationsTrailer, JSON.stringify(error.violations));
  return { code: error.grpcStatus, details: error.message, metadata };
}

/**
 * A status without a Causeloop code (from grpc-js itself, a proxy, or a non-Causeloop
 * server) maps to the closest catalogue code; UNKNOWN and DATA_LOSS become `internal`, and
 * the exact status stays readable through `grpcStatusOf`.
 */
const errorCodeByStatus: Readonly<Record<number, ErrorCode>> = {
  [GrpcStatus.CANCELLED]: 'cancelled',
  [GrpcStatus.UNKNOWN]: 'internal',
  [GrpcStatus.INVALID_ARGUMENT]: 'invalid_argument',
  [GrpcStatus.DEADLINE_EXCEEDED]: 'deadline_exceeded',
  [GrpcStatus.NOT_FOUND]: 'not_found',
  [GrpcStatus.ALREADY_EXISTS]: 'already_exists',
  [GrpcStatus.PERMISSION_DENIED]: 'permission_denied',
  [GrpcStatus.RESOURCE_EXHAUSTED]: 'resource_exhausted',
  [GrpcStatus.FAILED_PRECONDITION]: 'unprocessable',
  [GrpcStatus.ABORTED]: 'conflict',
  [GrpcStatus.OUT_OF_RANGE]: 'invalid_argument',
  [GrpcStatus.UNIMPLEMENTED]: 'unimplemented',
  [GrpcStatus.INTERNAL]: 'internal',
  [GrpcStatus.UNAVAILABLE]: 'unavailable',
  [GrpcStatus.DATA_LOSS]: 'internal',
  [GrpcStatus.UNAUTHENTICATED]: 'unauthenticated',
};

export function errorCodeForStatus(status: number): ErrorCode {
  return errorCodeByStatus[status] ?? 'internal';
}

/**
 * Turns a failed call into the CauseloopError a client rejects with. The code comes from
 * the `causeloop-error-code` trailer when the server sent one, else from the status. The
 * grpc-js ServiceError is kept as `cause`: read the exact gRPC status with `grpcStatusOf`
 * when the catalogue code is coarser than the status.
 */
export function errorFromServiceError(error: ServiceError): CauseloopError {
  const [trailerCode] = error.metadata?.get(errorCodeTrailer) ?? [];
  const code = typeof trailerCode === 'string' && isErrorCode(trailerCode) ? trailerCode : errorCodeForStatus(error.code);
  const violations = parseViolations(error.metadata?.get(errorViolationsTrailer)[0]);
  return new CauseloopError(code, error.details || error.message, { violations, cause: error });
}

/** The gRPC status a client-side CauseloopError came from, if it came from a call. */
export function grpcStatusOf(error: unknown): GrpcStatus | undefined {
  if (!(error instanceof Error)) return undefined;
  const cause = error.cause as { code?: unknown } | undefined;
  return typeof cause?.code === 'number' && cause.code in errorCodeByStatus ? (cause.code as GrpcStatus) : undefined;
}

function parseViolations(value: unknown): FieldViolation[] {
  if (typeof value !== 'string') return [];
  try {
    const parsed: unknown = JSON.parse(value);
    if (!Array.isArray(parsed)) return [];
    return parsed.filter(isFieldViolation);
  } catch {
    return [];
  }
}

function isFieldViolation(value: unknown): value is FieldViolation {
  const candidate = value as { field?: unknown; description?: unknown } | null;
  return typeof candidate?.field === 'string' && typeof candidate.description === 'string';
}
