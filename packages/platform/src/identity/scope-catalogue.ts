import { Role } from '@causeloop/proto/causeloop/common/v1/principal_pb.js';

/**
 * Every scope a principal can hold, with the description `GET /v1/api-tokens/scopes`
 * shows. The one list: the gateway refuses to route an RPC whose rule names a scope
 * outside it, and token creation refuses anything not in it.
 */
export const scopeCatalogue = {
  'issues:read': 'Read issues and their failure records',
  'issues:write': 'Create, update and close issues',
  'patterns:read': 'Read detected failure patterns',
  'patterns:write': 'Confirm, merge and dismiss patterns',
  'predictions:read': 'Read predictions',
  'predictions:write': 'Request and annotate predictions',
  'recommendations:read': 'Read recommended fixes',
  'recommendations:write': 'Accept, reject and annotate recommendations',
  'ingest:write': 'Send failure records to the ingest API',
  'connectors:read': 'Read connector configuration',
  'connectors:write': 'Create, change and remove connectors',
  'webhooks:read': 'Read webhook subscriptions',
  'webhooks:write': 'Create, change and remove webhook subscriptions',
  'members:read': 'List workspace members and their roles',
  'members:write': 'Invite and remove members, change roles',
  'workspace:read': 'Read workspace settings',
  'workspace:write': 'Change workspace settings',
  'audit:read': 'Read the audit log',
  'governance:read': 'Read retention and data-governance policies',
  'governance:write': 'Change retention and data-governance policies',
  'tokens:read': 'List API tokens and service accounts',
  'tokens:write': 'Create, rotate and revoke API tokens and service accounts',
} as const satisfies Record<string, string>;

export type Scope = keyof typeof scopeCatalogue;

export type RoleName = 'owner' | 'admin' | 'analyst' | 'viewer';

const allScopes = Object.keys(scopeCatalogue) as Scope[];

/**
 * Role → scopes, in one table so a review sees the whole permission model at once:
 * - owner: everything.
 * - admin: everything but `governance:write` (retention and deletion policy stay with owners).
 * - analyst: every `:read` except `audit:read` and `governance:read`, plus the day-to-day
 *   writes (issues, patterns, predictions, recommendations, ingest) and its own tokens.
 * - viewer: reads of the analysis data, workspace and members, and `tokens:read`; no write.
 */
export const roleScopes: Readonly<Record<RoleName, readonly Scope[]>> = Object.freeze({
  owner: Object.freeze([...allScopes]),
  admin: Object.freeze(allScopes.filter((scope) => scope !== 'governance:write')),
  analyst: Object.freeze([
    ...allScopes.filter(
      (scope) => scope.endsWith(':read') && scope !== 'audit:read' && scope !== 'governance:read',
    ),
    'issues:write',
    'patterns:write',
    'predictions:write',
    'recommendations:write',
    'ingest:write',
    'tokens:write',
  ] satisfies Scope[]),
  viewer: Object.freeze([
    'issues:read',
    'patterns:read',
    'predictions:read',
    'recommendations:read',
    'workspace:read',
    'members:read',
    'tokens:read',
  ] satisfies Scope[]),
});

export function isScope(value: string): value is Scope {
  return Object.hasOwn(scopeCatalogue, value);
}

const roleRanks: Readonly<Record<RoleName, number>> = { owner: 4, admin: 3, analyst: 2, viewer: 1 };

export function isRoleName(value: string): value is RoleName {
  return Object.hasOwn(roleRanks, value);
}

/** Higher is more privileged; "nobody grants above their own role" compares these. */
export function roleRank(role: RoleName): number {
  return roleRanks[role];
}

const protoToRole: ReadonlyMap<Role, RoleName> = new Map([
  [Role.OWNER, 'owner'],
  [Role.ADMIN, 'admin'],
  [Role.ANALYST, 'analyst'],
  [Role.VIEWER, 'viewer'],
]);

const roleToProtoTable: Readonly<Record<RoleName, Role>> = {
  owner: Role.OWNER,
  admin: Role.ADMIN,
  analyst: Role.ANALYST,
  viewer: Role.VIEWER,
};

/** `ROLE_UNSPECIFIED` and values from a newer schema give undefined: never a default role. */
export function roleFromProto(role: Role): RoleName | undefined {
  return protoToRole.get(role);
}

export function roleToProto(role: RoleName): Role {
  return roleToProtoTable[role];
}

/**
 * The requested scopes the holder may not have: unknown names and names not held. Empty
 * means the request is allowed. Used so nobody creates a token above their own scopes.
 */
export function scopesBeyond(requested: readonly string[], held: readonly string[]): string[] {
  const heldSet = new Set(held);
  return requested.filter((scope) => !isScope(scope) || !heldSet.has(scope));
}
