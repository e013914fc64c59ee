import { appendAuditEntry, auditActor } from '@causeloop/platform/audit';
import { withTenant } from '@causeloop/platform/db';
import { notFound } from '../errors.js';
import type { HandlerDeps, ScopedHandler } from './handler-deps.js';
import { apiTokenView, tokenId } from './token-fields.js';

/** RevokeServiceAccountToken: one token of one service account, for good. */
export function revokeServiceAccountToken(deps: HandlerDeps): ScopedHandler<'revokeServiceAccountToken'> {
  return async (request, { principal }) => {
    const serviceAccountId = tokenId('service_account_id', request.serviceAccountId);
    const id = tokenId('token_id', request.tokenId);
    const row = await withTenant(deps.pool, principal.workspaceId, async (client) => {
      const revoked = await deps.apiTokens.revoke(client, { id, owner: { serviceAccountId } });
      if (revoked !== undefined) {
        await appendAuditEntry(client, {
          ...auditActor(principal),
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
