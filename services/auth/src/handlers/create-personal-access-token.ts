import { uuidv7 } from 'uuidv7';
import { create } from '@bufbuild/protobuf';
import { AuthService, CreatePersonalAccessTokenResponseSchema } from '@causeloop/proto/causeloop/auth/v1/auth_pb.js';
import { appendAuditEntry, auditActor } from '@causeloop/platform/audit';
import { withTenant } from '@causeloop/platform/db';
import { CauseloopError } from '@causeloop/platform/errors';
import { recordIdempotentMutation } from '@causeloop/platform/idempotency';
import { isUniqueViolation } from '../errors.js';
import type { HandlerDeps, ScopedHandler } from './handler-deps.js';
import { apiTokenView, callerUserId, newTokenSecret, tokenExpiry, tokenName, tokenScopes } from './token-fields.js';

/** CreatePersonalAccessToken: scopes ⊆ the caller's own; the secret is returned once. */
export function createPersonalAccessToken(deps: HandlerDeps): ScopedHandler<'createPersonalAccessToken'> {
  return async (request, { principal, metadata }) => {
    const userId = callerUserId(principal);
    const name = tokenName('name', request.name);
    const scopes = tokenScopes(request.scopes, principal.scopes);
    const expiresAt = tokenExpiry(request.expiresAt);
    const { secret, tokenHash, displayPrefix } = newTokenSecret('personal_access');
    try {
      const response = await withTenant(deps.pool, principal.workspaceId, async (client) => {
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
          ...auditActor(principal),
          action: 'token.created',
          targetType: 'personal_access_token',
          targetId: created.id,
          after: { name, scopes, expires_at: expiresAt?.toISOString() ?? null },
        });
        const answer = create(CreatePersonalAccessTokenResponseSchema, { token: apiTokenView(created), secret });
        // With an Idempotency-Key the answer commits with the token: a retry replays it.
        await recordIdempotentMutation(client, {
          metadata,
          principal,
          method: AuthService.method.createPersonalAccessToken,
          request,
          response: answer,
        });
        return answer;
      });
      deps.metrics.tokenOperations.inc({ operation: 'pat_created' });
      return response;
    } catch (error) {
      if (isUniqueViolation(error)) throw new CauseloopError('already_exists', 'you already have a live token with this name');
      throw error;
    }
  };
}
