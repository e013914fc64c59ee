import { uuidv7 } from 'uuidv7';
import { AuthService } from '@causeloop/proto/causeloop/auth/v1/auth_pb.js';
import { appendAuditEntry, auditActor } from '@causeloop/platform/audit';
import { isUniqueViolation } from '@causeloop/platform/db';
import { CauseloopError, notFound } from '@causeloop/platform/errors';
import { roleScopes } from '@causeloop/platform/identity';
import { withIdempotentMutation } from '@causeloop/platform/idempotency';
import type { HandlerDeps, ScopedHandler } from './handler-deps.js';
import { apiTokenView, canonicalId, newTokenSecret, tokenExpiry, tokenScopes } from './token-fields.js';

/**
 * CreateServiceAccountToken: a clp_sa_ token whose scopes are within the account's role
 * and within the caller's own scopes (so nobody mints, through an account of a higher
 * role, a token above themselves).
 */
export function createServiceAccountToken(deps: HandlerDeps): ScopedHandler<'createServiceAccountToken'> {
  return async (request, context) => {
    const { principal } = context;
    const serviceAccountId = canonicalId(request.serviceAccountId);
    const { name } = request;
    const callerScopes = tokenScopes(request.scopes, principal.scopes);
    const expiresAt = tokenExpiry(request.expiresAt);
    const { secret, tokenHash, displayPrefix } = newTokenSecret('service_account');
    const mutation = { method: AuthService.method.createServiceAccountToken, request };
    try {
      const response = await withIdempotentMutation(deps.pool, context, mutation, async (client) => {
        const account = await deps.serviceAccounts.get(client, { id: serviceAccountId });
        if (account === undefined) throw notFound('service account');
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
          ...auditActor(context),
          action: 'token.created',
          targetType: 'service_account_token',
          targetId: created.id,
          after: { service_account_id: serviceAccountId, name, scopes, expires_at: expiresAt?.toISOString() ?? null },
        });
        return { token: apiTokenView(created), secret };
      });
      deps.metrics.tokenOperations.inc({ operation: 'sa_token_created' });
      return response;
    } catch (error) {
      if (isUniqueViolation(error)) throw new CauseloopError('already_exists', 'the service account has a live token with this name');
      throw error;
    }
  };
}
