import { uuidv7 } from 'uuidv7';
import { appendAuditEntry, CauseloopError, withTenant } from '@causeloop/platform';
import { isUniqueViolation } from '../errors.js';
import type { HandlerDeps, ScopedHandler } from './handler-deps.js';
import { apiTokenView, callerUserId, newTokenSecret, tokenExpiry, tokenName, tokenScopes } from './token-fields.js';

/** CreatePersonalAccessToken: scopes ⊆ the caller's own; the secret is returned once. */
export function createPersonalAccessToken(deps: HandlerDeps): ScopedHandler<'createPersonalAccessToken'> {
  return async (request, { principal }) => {
    const userId = callerUserId(principal);
    const name = tokenName('name', request.name);
    const scopes = tokenScopes(request.scopes, principal.scopes);
    const expiresAt = tokenExpiry(request.expiresAt);
    const { secret, tokenHash, displayPrefix } = newTokenSecret('personal_access');
    try {
      const row = await withTenant(deps.pool, principal.workspaceId, async (client) => {
        const created = await deps.apiTokens.insert(client, {
          id: uuidv7(),
          kind: 'personal_access',
          userId,
          name,
          tokenHash,
          displayPrefix,
          scopes,
          expiresAt,
        });
        await appendAuditEntry(client, {
          actorId: userId,
          actorName: principal.displayName || undefined,
          action: 'token.created',
          targetType: 'personal_access_token',
          targetId: created.id,
          after: { name, scopes, expires_at: expiresAt?.toISOString() ?? null },
        });
        return created;
      });
      deps.metrics.tokenOperations.inc({ operation: 'pat_created' });
      return { token: apiTokenView(row), secret };
    } catch (error) {
      if (isUniqueViolation(error)) throw new CauseloopError('already_exists', 'you already have a live token with this name');
      throw error;
    }
  };
}
