import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from '@causeloop/platform/log';
import {
  CauseloopError,
  errorCatalogue,
  isCauseloopError,
  type ErrorCode,
  type FieldViolation,
} from '@causeloop/platform/errors';
import '../request-context.js';

/** RFC 9457 problem details, plus Causeloop's stable `code` and the `trace_id` to quote. */
export interface Problem {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail: string;
  readonly code: string;
  readonly trace_id: string;
  readonly violations?: readonly FieldViolation[];
}

export const problemContentType = 'application/problem+json';

export function problemType(code: string): string {
  return `https://causeloop.dev/problems/${code}`;
}

interface Classified {
  readonly status: number;
  readonly code: string;
  readonly title: string;
  readonly detail: string;
  readonly violations: readonly FieldViolation[];
}

/**
 * fastify's own client errors (body parsing, content type, size) have no catalogue code;
 * these are the gateway's codes for them, by status.
 */
const edgeErrors: Readonly<Record<number, { code: ErrorCode; title: string }>> = {
  400: { code: 'invalid_argument', title: errorCatalogue.invalid_argument.title },
  413: { code: 'payload_too_large', title: errorCatalogue.payload_too_large.title },
  415: { code: 'unsupported_media_type', title: errorCatalogue.unsupported_media_type.title },
};

/**
 * One classification for every error: a CauseloopError (ours, or rebuilt by the gRPC
 * client from the backend's `causeloop-error-code` trailer) keeps its code and its
 * catalogue status; a fastify client error keeps its 4xx; anything else is an opaque 500
 * whose text stays in the log.
 */
export function classifyError(error: unknown): Classified {
  if (isCauseloopError(error)) {
    const detail = error.code === 'internal' ? 'internal error' : error.message;
    return { status: error.httpStatus, code: error.code, title: error.title, detail, violations: error.violations };
  }
  const statusCode = (error as Partial<FastifyError> | null)?.statusCode;
  if (typeof statusCode === 'number' && statusCode >= 400 && statusCode < 500) {
    const known = edgeErrors[statusCode] ?? { code: 'invalid_argument', title: 'Bad request' };
    const message = error instanceof Error ? error.message : known.title;
    return { status: statusCode, ...known, detail: message, violations: [] };
  }
  const internal = new CauseloopError('internal', 'internal error');
  return { status: internal.httpStatus, code: internal.code, title: internal.title, detail: internal.message, violations: [] };
}

export function sendProblem(request: FastifyRequest, reply: FastifyReply, error: unknown): FastifyReply {
  const classified = classifyError(error);
  const problem: Problem = {
    type: problemType(classified.code),
    title: classified.title,
    status: classified.status,
    detail: classified.detail,
    code: classified.code,
    trace_id: request.traceId,
    ...(classified.violations.length > 0 ? { violations: classified.violations } : {}),
  };
  if (classified.status === 401) {
    // RFC 6750: tell the client which scheme to use, and whether its token was the problem.
    reply.header('www-authenticate', request.headers.authorization === undefined ? 'Bearer' : 'Bearer error="invalid_token"');
  }
  return reply.code(classified.status).type(problemContentType).send(problem);
}

export function registerProblemDetails(app: FastifyInstance, logger: Logger | undefined): void {
  app.setErrorHandler((error, request, reply) => {
    const classified = classifyError(error);
    if (classified.status >= 500) {
      logger?.error({ err: error, request_id: request.id, trace_id: request.traceId }, 'request failed');
    }
    return sendProblem(request, reply, error);
  });
  app.setNotFoundHandler((request, reply) =>
    sendProblem(request, reply, new CauseloopError('not_found', `no route for ${request.method} ${request.url.split('?')[0] ?? ''}`)),
  );
}
