import type { Principal } from '@causeloop/proto/causeloop/common/v1/principal_pb.js';
import { notFound } from '../errors/common-errors.js';
import { canonicalUuid } from '../ids/uuid.js';

/**
 * The workspace a request may touch: the caller's own, which the route's `{workspace_id}`
 * must name (in any spelling of that UUID: case does not matter). Any other id answers
 * not_found, exactly as an id that does not exist would, so a member of one workspace
 * learns nothing about another. Returns the canonical (lower-case) id.
 */
export function ownWorkspace(principal: Principal, requested: string): string {
  const own = canonicalUuid(principal.workspaceId);
  if (own === undefined || canonicalUuid(requested) !== own) throw notFound('workspace');
  return own;
}
