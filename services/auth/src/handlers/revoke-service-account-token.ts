import { appendAuditEntry, auditActor } from '@causeloop/platform/audit';
import { withTenant } from '@causeloop/platform/db';
import { notFound } from '@causeloop/platform/errors';
import type { HandlerDeps, ScopedHandler } from './handler-deps.js';
import { apiTokenView, canonicalId } from './token-fields.js';

/** RevokeServiceAccountToken: one token of one service account, for good. */
export function revokeServiceAccountToken(deps: HandlerDeps): ScopedHandler<'revokeServiceAccountToken'> {
  return async (request, context) => {
    const { principal } = context;
    const serviceAccountId = canonicalId(request.serviceAccountId);
    const id = canonicalId(request.tokenId);
    const row = await withTenant(deps.pool, principal.workspaceId, async (client) => {
      const revoked = await deps.apiTokens.revoke(client, { id, owner: { serviceAccountId } });
      if (revoked !== undefined) {
        await appendAuditEntry(client, {
          ...auditActor(context),
          action: 'token.revoked',
          targetType: 'service_account_token',
          targetId: id,
          after: { service_account_id: serviceAccountId },
        });
      }
      return revoked;
    });
    if (row === undefined) throw notFound('token');
    deps.metrics.tokenOperations.inc({ operation: 'sa_token_revoked' });
    return { token: apiTokenView(row) };
  };
}
