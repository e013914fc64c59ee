import { isScope, roleFromProto, roleScopes } from '@causeloop/platform/identity';
import type { AuthServiceImpl } from './handler-deps.js';

/**
 * Authorize: whether the principal holds the scope. Both the principal's own scopes and
 * its role's must include it, so a principal claiming a scope beyond its role gets no.
 */
export function authorize(): AuthServiceImpl['authorize'] {
  return async (request) => {
    const { principal, scope } = request;
    const role = principal === undefined ? undefined : roleFromProto(principal.role);
    const allowed =
      principal !== undefined &&
      role !== undefined &&
      isScope(scope) &&
      principal.scopes.includes(scope) &&
      roleScopes[role].includes(scope);
    return { allowed };
  };
}
