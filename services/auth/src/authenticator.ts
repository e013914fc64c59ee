import { create } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import type { Pool } from 'pg';
import { PrincipalSchema, TokenKind, type Principal } from '@causeloop/proto/causeloop/common/v1/principal_pb.js';
import { withTenant } from '@causeloop/platform/db';
import { isCauseloopError } from '@causeloop/platform/errors';
import { isRoleName, roleScopes, roleToProto, type RoleName } from '@causeloop/platform/identity';
import type { AccessTokens } from './access-tokens.js';
import { hashApiToken, parseApiToken } from './api-token.js';
import { invalidCredentials } from './errors.js';
import { countAuthentication, type AuthenticationOutcome, type AuthMetrics, type CredentialKind } from './metrics.js';
import type { ApiTokenStore } from './stores/api-token-store.js';
import type { MembershipStore } from './stores/membership-store.js';

export interface Authenticator {
  /** Any Causeloop credential → its principal; any failure → one generic `unauthenticated`. */
  authenticate(token: string): Promise<Principal>;
}

export interface AuthenticatorDeps {
  readonly pool: Pool;
  readonly accessTokens: AccessTokens;
  readonly apiTokens: ApiTokenStore;
  readonly memberships: MembershipStore;
  readonly metrics: AuthMetrics;
}

/** A failed check with its reason (for the metric); callers only ever see `invalidCredentials`. */
class Refusal extends Error {
  constructor(readonly outcome: AuthenticationOutcome) {
    super(outcome);
  }
}

/** last_used_at is written at most once a minute per token (the store's SQL guards it too). */
const lastUsedThrottleMs = 60_000;

const jwtShape = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

/**
 * The Authenticate logic, shared by the RPC and by this service's own principal resolver
 * (callers of the token RPCs may present a bearer token instead of an assertion).
 *
 * - An access token (a JWT) is verified with the HS256 key, then the user's membership is
 *   read inside its workspace: a removed member's token is refused at once (not when it
 *   expires), and a lowered role cuts the token's scopes to what the role now holds.
 * - `clp_pat_` / `clp_sa_`: shape and checksum first (a typo or made-up token never reaches
 *   the database), then the hash lookup through `auth_find_api_token`, then, inside the
 *   token's workspace: not revoked or expired; a PAT's owner still an active member (the
 *   token's scopes are cut to what the member's current role holds); a service account
 *   not deleted. Last use is recorded at most once a minute.
 */
export function createAuthenticator(deps: AuthenticatorDeps): Authenticator {
  const { pool, accessTokens, apiTokens, memberships, metrics } = deps;

  async function apiToken(token: string, kind: 'personal_access' | 'service_account'): Promise<Principal> {
    const found = await apiTokens.findByHash({ tokenHash: hashApiToken(token) });
    if (found === undefined) throw new Refusal('not_found');
    const outcome = await withTenant(pool, found.workspaceId, async (client) => {
      const row = await apiTokens.getForAuthentication(client, { id: found.tokenId });
      if (row === undefined || row.kind !== kind) return new Refusal('not_found');
      if (row.revoked_at !== null) return new Refusal('revoked');
      if (row.expires_at !== null && row.expires_at.getTime() <= Date.now()) return new Refusal('expired');
      const ownerRole = row.kind === 'personal_access' ? row.member_role : row.account_role;
      // PAT: the owner's membership must still be active; SA: the account not deleted.
      if (ownerRole === null || !isRoleName(ownerRole)) return new Refusal('inactive');
      const role: RoleName = ownerRole;
      const subjectId = row.kind === 'personal_access' ? row.user_id! : row.service_account_id!;
      const displayName = (row.kind === 'personal_access' ? row.member_name : row.account_name) ?? undefined;
      if (row.last_used_at === null || Date.now() - row.last_used_at.getTime() >= lastUsedThrottleMs) {
        await apiTokens.touch(client, { id: row.id });
      }
      // A role may have been lowered since the token was made: it never carries more.
      const held = new Set<string>(roleScopes[role]);
      return create(PrincipalSchema, {
        subjectId,
        workspaceId: found.workspaceId,
        role: roleToProto(role),
        scopes: row.scopes.filter((scope) => held.has(scope)),
        tokenKind: kind === 'personal_access' ? TokenKind.PERSONAL_ACCESS : TokenKind.SERVICE_ACCOUNT,
        ...(row.expires_at === null ? {} : { expiresAt: timestampFromDate(row.expires_at) }),
        ...(displayName === undefined ? {} : { displayName }),
      });
    });
    if (outcome instanceof Refusal) throw outcome;
    return outcome;
  }

  async function accessToken(token: string): Promise<Principal> {
    let claims;
    try {
      claims = await accessTokens.verify(token);
    } catch (error) {
      if (isCauseloopError(error) && error.code === 'unauthenticated') throw new Refusal('invalid');
      throw error;
    }
    const role = await withTenant(pool, claims.workspaceId, (client) =>
      memberships.activeRole(client, { userId: claims.subjectId }),
    );
    if (role === undefined) throw new Refusal('inactive');
    const held = new Set<string>(roleScopes[role]);
    return create(PrincipalSchema, {
      subjectId: claims.subjectId,
      workspaceId: claims.workspaceId,
      role: roleToProto(role),
      scopes: claims.scopes.filter((scope) => held.has(scope)),
      tokenKind: TokenKind.ACCESS,
      expiresAt: timestampFromDate(claims.expiresAt),
      ...(claims.displayName === undefined ? {} : { displayName: claims.displayName }),
    });
  }

  return {
    async authenticate(token) {
      let kind: CredentialKind = 'unknown';
      try {
        const parsed = parseApiToken(token);
        let principal: Principal;
        if (parsed !== undefined) {
          kind = parsed.kind;
          principal = await apiToken(token, parsed.kind);
        } else if (token.startsWith('clp_')) {
          kind = token.startsWith('clp_sa_') ? 'service_account' : token.startsWith('clp_pat_') ? 'personal_access' : 'unknown';
          throw new Refusal('malformed'); // bad shape or checksum: no database query
        } else if (jwtShape.test(token)) {
          kind = 'access';
          principal = await accessToken(token);
        } else {
          throw new Refusal('malformed');
        }
        countAuthentication(metrics, kind, 'ok');
        return principal;
      } catch (error) {
        if (error instanceof Refusal) {
          countAuthentication(metrics, kind, error.outcome);
          throw invalidCredentials();
        }
        throw error;
      }
    },
  };
}
