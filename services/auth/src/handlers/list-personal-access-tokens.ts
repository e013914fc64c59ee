import { withTenant } from '@causeloop/platform/db';
import { readPage, writePage } from '@causeloop/platform/pagination';
import type { HandlerDeps, ScopedHandler } from './handler-deps.js';
import { apiTokenView, callerUserId } from './token-fields.js';

/** ListPersonalAccessTokens: the caller's own tokens in the workspace, keyset by id. */
export function listPersonalAccessTokens(deps: HandlerDeps): ScopedHandler<'listPersonalAccessTokens'> {
  return async (request, { principal }) => {
    const userId = callerUserId(principal);
    const list = `pat:${principal.workspaceId}:${userId}`;
    const { limit, after: afterId } = readPage(deps.keys.cursor, list, request.page);
    const rows = await withTenant(deps.pool, principal.workspaceId, (client) =>
      deps.apiTokens.list(client, { owner: { userId }, afterId, limit: limit + 1 }),
    );
    const { data, page } = writePage(deps.keys.cursor, list, rows, limit, (row) => row.id);
    return { data: data.map(apiTokenView), page };
  };
}
