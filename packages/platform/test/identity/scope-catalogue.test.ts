import { Role } from '@causeloop/proto/causeloop/common/v1/principal_pb.js';
import { describe, expect, it } from 'vitest';
import {
  isRoleName,
  isScope,
  roleFromProto,
  roleRank,
  roleScopes,
  roleToProto,
  scopeCatalogue,
  scopesBeyond,
  type RoleName,
} from '../../src/identity/index.js';

const roles: RoleName[] = ['owner', 'admin', 'analyst', 'viewer'];

describe('scope catalogue', () => {
  it('gives every role only catalogue scopes, owner all of them', () => {
    for (const role of roles) expect(roleScopes[role].every(isScope)).toBe(true);
    expect([...roleScopes.owner].sort()).toEqual(Object.keys(scopeCatalogue).sort());
    expect(roleScopes.admin).not.toContain('governance:write');
    expect(roleScopes.admin).toHaveLength(Object.keys(scopeCatalogue).length - 1);
  });

  it('gives a viewer no :write scope', () => {
    expect(roleScopes.viewer.filter((scope) => scope.endsWith(':write'))).toEqual([]);
    expect(roleScopes.viewer).toContain('tokens:read');
  });

  it('gives an analyst neither the audit log nor governance', () => {
    for (const scope of ['audit:read', 'governance:read', 'governance:write', 'members:write', 'connectors:write'])
      expect(roleScopes.analyst).not.toContain(scope);
    expect(roleScopes.analyst).toContain('ingest:write');
    expect(roleScopes.analyst).toContain('connectors:read');
  });

  it('nests each role inside the one above it', () => {
    for (let i = 1; i < roles.length; i += 1) {
      const [above, below] = [roles[i - 1] as RoleName, roles[i] as RoleName];
      expect(scopesBeyond(roleScopes[below], roleScopes[above])).toEqual([]);
      expect(roleRank(above)).toBeGreaterThan(roleRank(below));
    }
  });

  it('refuses unknown and unheld scopes in scopesBeyond', () => {
    expect(scopesBeyond(['issues:read'], roleScopes.viewer)).toEqual([]);
    expect(scopesBeyond(['issues:read', 'issues:write'], roleScopes.viewer)).toEqual(['issues:write']);
    // Unknown even when "held": a made-up scope is never grantable.
    expect(scopesBeyond(['issues:*', 'admin'], ['issues:*', 'admin'])).toEqual(['issues:*', 'admin']);
    expect(scopesBeyond([], [])).toEqual([]);
  });

  it('recognises names without trusting prototype keys', () => {
    expect(isScope('issues:read')).toBe(true);
    expect(isScope('toString')).toBe(false);
    expect(isRoleName('viewer')).toBe(true);
    expect(isRoleName('constructor')).toBe(false);
  });

  it('maps roles to and from the proto enum', () => {
    for (const role of roles) expect(roleFromProto(roleToProto(role))).toBe(role);
    expect(roleFromProto(Role.UNSPECIFIED)).toBeUndefined();
    expect(roleFromProto(99 as Role)).toBeUndefined();
  });
});
