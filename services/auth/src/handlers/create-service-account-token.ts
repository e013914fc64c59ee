import { uuidv7 } from 'uuidv7';
import { appendAuditEntry, auditActor } from '@causeloop/platform/audit';
import { withTenant } from '@causeloop/platform/db';
import { CauseloopError } from '@causeloop/platform/errors';
import { roleScopes } from '@causeloop/platform/identity';
import { isUniqueViolation, notFound } from '../errors.js';
import type { HandlerDeps, ScopedHandler } from './handler-deps.js';
import { apiTokenView, newTokenSecret, tokenExpiry, tokenId, tokenName, tokenScopes } from './token-fields.js';

/**
 * CreateServiceAccountToken: a clp_sa_ token whose scopes are within the account's role
 * and within the caller's own scopes (so nobody mints, through an account of a higher
 * role, a token above themselves).
 */
export function createServiceAccountToken(deps: HandlerDeps): ScopedHandler<'createServiceAccountToken'> {
  return async (request, { principal }) => {
    const serviceAccountId = tokenId('service_account_id', request.serviceAccountId);
    const name = tokenName('name', request.name);
    const callerScopes = tokenScopes(request.scopes, principal.scopes);
    const expiresAt = tokenExpiry(request.expiresAt);
    const { secret, tokenHash, displayPrefix } = newTokenSecret('service_account');
    try {
      const row = await withTenant(deps.pool, principal.workspaceId, async (client) => {
        const account = await deps.serviceAccounts.get(client, { id: serviceAccountId });
        if (account === undefined) return undefined;
        const scopes = tokenScopes(callerScopes, roleScopes[account.role]);
        const created = await deps.apiTokens.insert(client, {
          id: uuidv7(),
          kind: 'service_account',
          serviceAccountId,
          name,
          tokenHash,
          displayPrefix,
          scopes,
          expiresAt,
        });
        await appendAuditEntry(client, {
          ...auditActor(principal),
          action: 'token.created',
          targetType: 'service_account_token',
          targetId: created.id,
          after: { service_account_id: serviceAccountId, name, scopes, expires_at: expiresAt?.toISOString() ?? null },
        });
        return created;
      });
      if (row === undefined) throw notFound('service account');
      deps.metrics.tokenOperations.inc({ operation: 'sa_token_created' });
      return { token: apiTokenView(row), secret };
    } catch (error) {
      if (isUniqueViolation(error)) throw new CauseloopError('already_exists', 'the service account has a live token with this name');
      throw error;
    }
  };
}
