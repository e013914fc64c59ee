import { createContextKey, type Context } from '@opentelemetry/api';
import type { Metadata, MetadataValue } from '@grpc/grpc-js';
import type { Logger } from '../log/create-logger.js';

/**
 * What a handler knows about the call it serves. Handlers never see grpc-js objects; the
 * adapter builds this from them. (The auth work adds a typed `principal` here.)
 */
export interface CallContext {
  /** From the caller's `x-request-id` metadata, or generated for this call. */
  readonly requestId: string;
  /**
   * The W3C trace id (32 hex digits) the call belongs to: the active span's, else the
   * caller's `traceparent`, else one made for this call (`resolveTraceId`). Never empty.
   */
  readonly traceId: string;
  /** Child of the server logger carrying `request_id` and `rpc`. */
  readonly logger: Logger;
  /** Aborted when the client cancels, the deadline passes or the server is force-stopped. */
  readonly signal: AbortSignal;
  /** When the caller stops waiting; undefined if the caller set no deadline. */
  readonly deadline: Date | undefined;
  /** The incoming metadata, read-only. */
  readonly metadata: IncomingMetadata;
}

/** Read-only view of incoming metadata. */
export interface IncomingMetadata {
  /** First value of `key` (lower-case), if any. Binary (`-bin`) keys give a Buffer. */
  get(key: string): MetadataValue | undefined;
  getAll(key: string): readonly MetadataValue[];
  has(key: string): boolean;
}

export function createIncomingMetadata(metadata: Metadata): IncomingMetadata {
  return {
    get: (key) => metadata.get(key)[0],
    getAll: (key) => [...metadata.get(key)],
    has: (key) => metadata.get(key).length > 0,
  };
}

/**
 * The request id of the call being served, kept in the OpenTelemetry context so outgoing
 * calls made by a handler forward it (the client interceptor reads it).
 */
export const requestIdContextKey = createContextKey('causeloop.request_id');

export function requestIdFromContext(context: Context): string | undefined {
  const value = context.getValue(requestIdContextKey);
  return typeof value === 'string' ? value : undefined;
}

/**
 * The deadline of the call being served. A handler's outgoing calls never outlive it: the
 * client uses the earlier of its own deadline and this one, so a caller that gave up
 * stops the whole chain of work it started.
 */
export const deadlineContextKey = createContextKey('causeloop.deadline');

export function deadlineFromContext(context: Context): Date | undefined {
  const value = context.getValue(deadlineContextKey);
  return value instanceof Date ? value : undefined;
}
