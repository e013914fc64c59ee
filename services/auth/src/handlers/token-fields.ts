import { TokenKind, type Principal } from '@causeloop/proto/causeloop/common/v1/principal_pb.js';
import { timestampDate, timestampFromDate, type Timestamp } from '@bufbuild/protobuf/wkt';
import { CauseloopError, invalidField } from '@causeloop/platform/errors';
import { roleToProto, scopesBeyond, type ApiTokenKind } from '@causeloop/platform/identity';
import { apiTokenDisplayPrefix, generateApiToken, hashApiToken } from '../api-token.js';
import type { ApiTokenRow } from '../stores/api-token-store.js';
import type { ServiceAccountRow } from '../stores/service-account-store.js';

/** An ApiToken message (never the secret or its hash). */
export function apiTokenView(row: ApiTokenRow) {
  return {
    id: row.id,
    name: row.name,
    scopes: row.scopes,
    displayPrefix: row.display_prefix,
    createdAt: timestampFromDate(row.created_at),
    expiresAt: optionalTimestamp(row.expires_at),
    lastUsedAt: optionalTimestamp(row.last_used_at),
    revokedAt: optionalTimestamp(row.revoked_at),
  };
}

function optionalTimestamp(date: Date | null): Timestamp | undefined {
  return date === null ? undefined : timestampFromDate(date);
}

export function serviceAccountView(row: ServiceAccountRow) {
  return { id: row.id, name: row.name, role: roleToProto(row.role), createdAt: timestampFromDate(row.created_at) };
}

/** Optional; when set, in the future. */
export function tokenExpiry(expiresAt: Timestamp | undefined): Date | undefined {
  if (expiresAt === undefined) return undefined;
  const date = timestampDate(expiresAt);
  if (date.getTime() <= Date.now()) throw invalidField('expires_at', 'must be in the future');
  return date;
}

/**
 * Requested scopes (at least one, none twice: the proto's rules), none beyond `held`
 * (unknown names count as beyond) → `insufficient_scope`: nobody makes a token above
 * their own scopes.
 */
export function tokenScopes(requested: readonly string[], held: readonly string[]): string[] {
  const beyond = scopesBeyond(requested, held);
  if (beyond.length > 0) {
    throw new CauseloopError('insufficient_scope', `cannot grant scopes beyond your own: ${beyond.join(', ')}`);
  }
  return [...requested];
}

/** Personal access tokens belong to people: a service-account principal cannot hold one. */
export function callerUserId(principal: Principal): string {
  if (principal.tokenKind === TokenKind.SERVICE_ACCOUNT) {
    throw new CauseloopError('permission_denied', 'service accounts cannot manage personal access tokens');
  }
  return principal.subjectId;
}

/** An id from the request, a UUID by the proto's rules, in the one spelling `canonicalUuid` gives (lower case). */
export function canonicalId(value: string): string {
  return value.toLowerCase();
}

/** A fresh token secret (shown once) with what is stored of it: its hash and display prefix. */
export function newTokenSecret(kind: ApiTokenKind): { secret: string; tokenHash: Buffer; displayPrefix: string } {
  const secret = generateApiToken(kind);
  return { secret, tokenHash: hashApiToken(secret), displayPrefix: apiTokenDisplayPrefix(secret) };
}
