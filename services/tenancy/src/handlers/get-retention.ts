import type { WorkspaceService } from '@causeloop/proto/causeloop/tenancy/v1/workspaces_pb.js';
import { withTenant } from '@causeloop/platform/db';
import type { TenancyDeps } from '../deps.js';
import { notFound } from '../errors.js';
import type { WorkspaceStore } from '../stores/workspace-store.js';
import { ownWorkspace, type ScopedHandler } from './handler-support.js';
import { retentionView } from './views.js';

export function getRetention(
  deps: TenancyDeps,
  workspaces: WorkspaceStore,
): ScopedHandler<typeof WorkspaceService, 'getRetention'> {
  return async (request, { principal }) => {
    const workspaceId = ownWorkspace(principal, request.workspaceId);
    const row = await withTenant(deps.pool, workspaceId, (client) => workspaces.getRetention(client));
    if (row === undefined) throw notFound('workspace');
    return { retention: retentionView(row) };
  };
}
