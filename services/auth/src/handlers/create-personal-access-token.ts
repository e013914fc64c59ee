import { uuidv7 } from 'uuidv7';
import { AuthService } from '@causeloop/proto/causeloop/auth/v1/auth_pb.js';
import { appendAuditEntry, auditActor } from '@causeloop/platform/audit';
import { isUniqueViolation } from '@causeloop/platform/db';
import { CauseloopError } from '@causeloop/platform/errors';
import { withIdempotentMutation } from '@causeloop/platform/idempotency';
import type { HandlerDeps, ScopedHandler } from './handler-deps.js';
import { apiTokenView, callerUserId, newTokenSecret, tokenExpiry, tokenScopes } from './token-fields.js';

/** CreatePersonalAccessToken: scopes ⊆ the caller's own; the secret is returned once. */
export function createPersonalAccessToken(deps: HandlerDeps): ScopedHandler<'createPersonalAccessToken'> {
  return async (request, context) => {
    const { principal } = context;
    const userId = callerUserId(principal);
    const { name } = request;
    const scopes = tokenScopes(request.scopes, principal.scopes);
    const expiresAt = tokenExpiry(request.expiresAt);
    const { secret, tokenHash, displayPrefix } = newTokenSecret('personal_access');
    const mutation = { method: AuthService.method.createPersonalAccessToken, request };
    try {
      const response = await withIdempotentMutation(deps.pool, context, mutation, async (client) => {
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
          ...auditActor(context),
          action: 'token.created',
          targetType: 'personal_access_token',
          targetId: created.id,
          after: { name, scopes, expires_at: expiresAt?.toISOString() ?? null },
        });
        return { token: apiTokenView(created), secret };
      });
      deps.metrics.tokenOperations.inc({ operation: 'pat_created' });
      return response;
    } catch (error) {
      if (isUniqueViolation(error)) throw new CauseloopError('already_exists', 'you already have a live token with this name');
      throw error;
    }
  };
}
