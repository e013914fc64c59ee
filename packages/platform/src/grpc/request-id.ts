import { randomUUID } from 'node:crypto';
import type { Metadata } from '@grpc/grpc-js';

export const requestIdHeader = 'x-request-id';

// A caller-chosen id ends up in every log line, so only short, plain ids are accepted;
// anything else is replaced rather than logged.
const acceptableRequestId = /^[A-Za-z0-9._:-]{1,128}$/;

export function isAcceptableRequestId(value: unknown): value is string {
  return typeof value === 'string' && acceptableRequestId.test(value);
}

export function generateRequestId(): string {
  return randomUUID();
}

/**
 * Returns the call's request id, assigning one to the incoming metadata when it has none
 * (or an unacceptable one). The access-log interceptor runs this before the handler adapter,
 * so both see the same id.
 */
export function ensureRequestId(metadata: Metadata): string {
  const [value] = metadata.get(requestIdHeader);
  if (isAcceptableRequestId(value)) return value;
  const id = generateRequestId();
  metadata.set(requestIdHeader, id);
  return id;
}
