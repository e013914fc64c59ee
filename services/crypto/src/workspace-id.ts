import { CauseloopError } from '@causeloop/platform/errors';

/** Workspace ids are bound into wrapped keys in their canonical spelling (`canonicalUuid`). */
export function invalidWorkspaceId(): CauseloopError {
  return new CauseloopError('invalid_argument', 'workspace_id must be a UUID', {
    violations: [{ field: 'workspace_id', description: 'must be a UUID' }],
  });
}
