import { appendAuditEntry, auditActor } from '@causeloop/platform/audit';
import { withTenant } from '@causeloop/platform/db';
import { CauseloopError, isCauseloopError } from '@causeloop/platform/errors';
import { canonicalUuid } from '@causeloop/platform/ids';
import { uuidv7 } from 'uuidv7';
import { invalidCredentials, noActiveMembership } from '../errors.js';
import type { IdentityClaims } from '../identity-provider.js';
import { countAuthentication } from '../metrics.js';
import { insertRefreshToken, sessionTokens, type SessionSubject } from '../session.js';
import type { AuthServiceImpl, HandlerDeps } from './handler-deps.js';

/** `dev:<email>`: the development local mode's subject token (see README). */
const developmentPrefix = 'dev:';

/**
 * ExchangeToken: an identity-provider JWT (RS256 via JWKS) → a Causeloop access token and
 * a refresh token of a new family, for the requested workspace (active membership
 * required) or the user's first active membership.
 *
 * Without an identity provider: `unavailable`, except in the development local mode
 * (NODE_ENV=development and no IDP_* set), where `dev:<email>` signs in an existing user.
 *
 * Records no Idempotency-Key answer: the route is public, and the gateway refuses a key on
 * a route with no principal to scope it to (400), so none ever arrives here.
 */
export function exchangeToken(deps: HandlerDeps): AuthServiceImpl['exchangeToken'] {
  return async (request, context) => {
    // Empty, or a UUID (the proto's rules): in its canonical spelling, or none asked for.
    const requested = canonicalUuid(request.workspaceId);

    const userId = await resolveUser(deps, request.subjectToken);
    if (userId === undefined) throw noActiveMembership();

    const workspaceId = requested ?? (await deps.users.firstActiveWorkspace({ userId }));
    if (workspaceId === undefined) throw noActiveMembership();

    const session = await withTenant(deps.pool, workspaceId, async (client) => {
      const role = await deps.memberships.activeRole(client, { userId });
      if (role === undefined) return undefined;
      const displayName = await deps.users.memberDisplayName(client, { userId });
      const refresh = await insertRefreshToken(deps, client, { userId, familyId: uuidv7() });
      await appendAuditEntry(client, {
        // No principal yet: the exchange is a person signing in.
        ...auditActor(context, { kind: 'user', id: userId, name: displayName }),
        action: 'auth.exchanged',
        targetType: 'refresh_token_family',
        targetId: refresh.id,
      });
      const subject: SessionSubject = { workspaceId, userId, role, displayName };
      return { subject, refresh };
    });
    if (session === undefined) throw noActiveMembership();
    context.logger.info({ workspace_id: workspaceId }, 'identity-provider token exchanged');
    return sessionTokens(deps, session.subject, session.refresh.secret);
  };
}

async function resolveUser(deps: HandlerDeps, subjectToken: string): Promise<string | undefined> {
  const { identityProvider } = deps;
  if (identityProvider === undefined) {
    if (deps.nodeEnv === 'development' && subjectToken.startsWith(developmentPrefix)) {
      const email = subjectToken.slice(developmentPrefix.length).trim();
      const userId = email === '' ? undefined : await deps.users.findByEmail({ email });
      countAuthentication(deps.metrics, 'identity_provider', userId === undefined ? 'not_found' : 'ok');
      return userId;
    }
    throw new CauseloopError('unavailable', 'no identity provider is configured');
  }
  let identity: IdentityClaims;
  try {
    identity = await identityProvider.verify(subjectToken);
  } catch (error) {
    if (isCauseloopError(error) && error.code === 'unauthenticated') {
      countAuthentication(deps.metrics, 'identity_provider', 'invalid');
      throw invalidCredentials();
    }
    throw error;
  }
  countAuthentication(deps.metrics, 'identity_provider', 'ok');
  return deps.users.resolveIdentity({
    issuer: identity.issuer,
    subject: identity.subject,
    verifiedEmail: identity.emailVerified ? identity.email : undefined,
    name: identity.name,
  });
}
