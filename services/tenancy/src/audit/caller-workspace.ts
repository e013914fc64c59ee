import { CauseloopError } from '@causeloop/platform/errors';
import type { PrincipalCallContext } from '@causeloop/platform/identity';

/**
 * The workspace a call works in: the principal's, which the route's `{workspace_id}` must
 * name. Another workspace's id answers not_found, exactly like an id that does not exist,
 * so a member of one workspace learns nothing about another.
 */
export function callerWorkspace(context: PrincipalCallContext, requested: string): string {
  if (requested !== context.principal.workspaceId) throw new CauseloopError('not_found', 'workspace not found');
  return requested;
}
