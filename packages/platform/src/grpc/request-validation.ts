import type { DescMessage, DescMethod } from '@bufbuild/protobuf';
import type { RequestValidator } from '../validation/request-validator.js';
import type { UnaryHandler } from './service-impl.js';

// Symbol.for, not Symbol(): two copies of this package still recognise each other's mark.
const validatesOwnRequestsKey = Symbol.for('causeloop.grpc.validates-own-requests');

/**
 * Marks a service implementation that validates each request itself, at the point its
 * order needs (`guardService`: authenticate → validate → authorize). The gRPC server
 * validates before calling any other implementation, so no RPC runs on an unchecked request.
 */
export function markValidatesOwnRequests<T extends object>(impl: T): T {
  Object.defineProperty(impl, validatesOwnRequestsKey, { value: true });
  return impl;
}

export function validatesOwnRequests(impl: object): boolean {
  return (impl as Record<symbol, unknown>)[validatesOwnRequestsKey] === true;
}

/** The handler behind a check of the request's FieldRules (`invalid_argument` naming every violated field). */
export function validateFirst(
  method: DescMethod,
  handler: UnaryHandler<DescMessage, DescMessage>,
  validator: RequestValidator,
): UnaryHandler<DescMessage, DescMessage> {
  validator.prepare(method.input);
  return async (request, context) => {
    validator.assertValid(method.input, request);
    return handler(request, context);
  };
}
