import { roleScopes, scopeCatalogue, type RoleName, type Scope } from '@causeloop/platform/identity';
import type { ScopedHandler } from './handler-deps.js';

const roles: readonly RoleName[] = ['owner', 'admin', 'analyst', 'viewer'];

/** ListScopes: the catalogue, each scope with its description and the roles holding it. */
export function listScopes(): ScopedHandler<'listScopes'> {
  return async () => ({
    scopes: (Object.keys(scopeCatalogue) as Scope[]).map((name) => ({
      name,
      description: scopeCatalogue[name],
      roles: roles.filter((role) => roleScopes[role].includes(name)),
    })),
  });
}
