import { withTenant } from '@causeloop/platform/db';
import { readPage, writePage } from '@causeloop/platform/pagination';
import type { HandlerDeps, ScopedHandler } from './handler-deps.js';
import { serviceAccountView } from './token-fields.js';

/** ListServiceAccounts: the workspace's live service accounts, keyset by id. */
export function listServiceAccounts(deps: HandlerDeps): ScopedHandler<'listServiceAccounts'> {
  return async (request, { principal }) => {
    const list = `sa:${principal.workspaceId}`;
    const { limit, after: afterId } = readPage(deps.keys.cursor, list, request.page);
    const rows = await withTenant(deps.pool, principal.workspaceId, (client) =>
      deps.serviceAccounts.list(client, { afterId, limit: limit + 1 }),
    );
    const { data, page } = writePage(deps.keys.cursor, list, rows, limit, (row) => row.id);
    return { data: data.map(serviceAccountView), page };
  };
}
