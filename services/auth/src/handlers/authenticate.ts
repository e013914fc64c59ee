import type { AuthServiceImpl, HandlerDeps } from './handler-deps.js';

/** Authenticate: a credential → its principal and a short-lived signed assertion of it. */
export function authenticate(deps: HandlerDeps): AuthServiceImpl['authenticate'] {
  return async (request) => {
    const principal = await deps.authenticator.authenticate(request.token);
    return { principal, assertion: await deps.assertions.sign(principal) };
  };
}
