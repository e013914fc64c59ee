import { CauseloopError } from '@causeloop/platform';

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The workspace id bound into a wrapped key's AAD, lower-cased so that "ABC…" and "abc…"
 * (the same UUID) bind alike; undefined when it is not a UUID.
 */
export function canonicalWorkspaceId(value: string): string | undefined {
  return uuidPattern.test(value) ? value.toLowerCase() : undefined;
}

export function invalidWorkspaceId(): CauseloopError {
  return new CauseloopError('invalid_argument', 'workspace_id must be a UUID', {
    violations: [{ field: 'workspace_id', description: 'must be a UUID' }],
  });
}
