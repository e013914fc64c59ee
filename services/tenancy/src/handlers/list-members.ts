import type { MemberService } from '@causeloop/proto/causeloop/tenancy/v1/members_pb.js';
import { withTenant } from '@causeloop/platform/db';
import { invalidField } from '@causeloop/platform/errors';
import { ownWorkspace, type ScopedHandler } from '@causeloop/platform/identity';
import { isUuid } from '@causeloop/platform/ids';
import { readPage, writePage } from '@causeloop/platform/pagination';
import type { TenancyDeps } from '../deps.js';
import { memberView } from './views.js';

/** ListMembers: active members by user id (UUIDv7, so roughly by age), keyset-paginated. */
export function listMembers(
  deps: Pick<TenancyDeps, 'pool' | 'cursorKey' | 'members'>,
): ScopedHandler<typeof MemberService, 'listMembers'> {
  return async (request, { principal }) => {
    const workspaceId = ownWorkspace(principal, request.workspaceId);
    const list = `members:${workspaceId}`;
    const { limit, after } = readPage(deps.cursorKey, list, request.page);
    if (after !== undefined && !isUuid(after)) throw invalidField('page.cursor', 'is not a cursor from this list');
    const rows = await withTenant(deps.pool, workspaceId, (client) =>
      deps.members.list(client, { afterUserId: after, limit: limit + 1 }),
    );
    const { data, page } = writePage(deps.cursorKey, list, rows, limit, (row) => row.user_id);
    return { data: data.map(memberView), page };
  };
}
