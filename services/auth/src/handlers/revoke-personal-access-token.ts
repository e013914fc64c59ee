import { appendAuditEntry, auditActor } from '@causeloop/platform/audit';
import { withTenant } from '@causeloop/platform/db';
import { notFound } from '@causeloop/platform/errors';
import type { HandlerDeps, ScopedHandler } from './handler-deps.js';
import { apiTokenView, callerUserId, canonicalId } from './token-fields.js';

/** RevokePersonalAccessToken: for good; revoking a revoked token answers it unchanged. */
export function revokePersonalAccessToken(deps: HandlerDeps): ScopedHandler<'revokePersonalAccessToken'> {
  return async (request, context) => {
    const { principal } = context;
    const userId = callerUserId(principal);
    const id = canonicalId(request.tokenId);
    const row = await withTenant(deps.pool, principal.workspaceId, async (client) => {
      const revoked = await deps.apiTokens.revoke(client, { id, owner: { userId } });
      if (revoked !== undefined) {
        await appendAuditEntry(client, {
          ...auditActor(context),
          action: 'token.revoked',
          targetType: 'personal_access_token',
          targetId: id,
        });
      }
      return revoked;
    });
    if (row === undefined) throw notFound('token');
    deps.metrics.tokenOperations.inc({ operation: 'pat_revoked' });
    return { token: apiTokenView(row) };
  };
}
