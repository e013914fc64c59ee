import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TokenKind, Role } from '@causeloop/proto/causeloop/common/v1/principal_pb.js';
import { withClient } from '@causeloop/platform/db';
import type { CauseloopError } from '@causeloop/platform/errors';
import { roleScopes, type RoleName } from '@causeloop/platform/identity';
import { createTestDatabase, seedMember, seedUser, seedWorkspace, type TestDatabase } from '@causeloop/platform/testing';
import { generateApiToken } from '../../src/api-token.js';
import { asAdmin, bearer, databaseState, startAuth, type RunningAuth } from '../support/auth-server.js';

let database: TestDatabase;
let auth: RunningAuth;
let workspaceA: string;
let workspaceB: string;
const users: Record<string, string> = {};
const tokens: Record<string, string> = {};

/** An access token for `name` in `workspace`, through the real exchange. */
async function accessToken(name: string, workspaceId: string): Promise<string> {
  const subjectToken = await auth.idp!.issueToken({ sub: `idp|${name}` });
  return (await auth.client.exchangeToken({ subjectToken, workspaceId })).accessToken;
}

beforeAll(async () => {
  database = await createTestDatabase();
  auth = await startAuth(database);
  workspaceA = await seedWorkspace(auth.pool, 'A');
  workspaceB = await seedWorkspace(auth.pool, 'B');
  const roles: [string, RoleName][] = [['olive', 'owner'], ['adam', 'admin'], ['ana', 'analyst'], ['vic', 'viewer']];
  for (const [name, role] of roles) {
    users[name] = await seedUser(database, { email: `${name}@example.com`, issuer: auth.idp!.issuer, subject: `idp|${name}`, name });
    await seedMember(auth.pool, workspaceA, users[name]!, role);
    tokens[name] = await accessToken(name, workspaceA);
  }
  await seedMember(auth.pool, workspaceB, users['olive']!, 'owner');
});

afterAll(async () => {
  await auth?.close();
  await database?.drop();
});

const createPat = (caller: string, name: string, scopes: string[], expiresAt?: Date) =>
  auth.client.createPersonalAccessToken(
    { name, scopes, ...(expiresAt === undefined ? {} : { expiresAt: { seconds: BigInt(Math.floor(expiresAt.getTime() / 1000)), nanos: 0 } }) },
    bearer(tokens[caller]!),
  );

async function refusedWithoutWrite(token: string, options: { queries?: 'none' } = {}): Promise<void> {
  const before = await databaseState(database);
  const used = auth.poolUse.count;
  const error = await auth.client.authenticate({ token }).catch((e: unknown) => e);
  expect(error).toMatchObject({ code: 'unauthenticated', message: expect.stringContaining('invalid or expired credentials') });
  expect((error as CauseloopError).grpcStatus).toBe(16);
  expect(await databaseState(database)).toBe(before);
  if (options.queries === 'none') expect(auth.poolUse.count).toBe(used);
}

describe('personal access tokens', () => {
  it('are created with scopes within the caller’s, shown once, stored as a hash, and authenticate', async () => {
    const created = await createPat('ana', 'ci', ['issues:read', 'issues:write']);
    expect(created.secret).toMatch(/^clp_pat_[0-9A-Za-z]{38}$/);
    expect(created.token).toMatchObject({ name: 'ci', scopes: ['issues:read', 'issues:write'], displayPrefix: created.secret.slice(0, 12) });
    const stored = await withClient(database.adminUrl, async (client) =>
      (await client.query<{ hex: string }>(`select encode(token_hash, 'hex') as hex from api_tokens where id = $1`, [created.token!.id])).rows[0]!.hex,
    );
    expect(stored).toHaveLength(64);
    expect(JSON.stringify(await withClient(database.adminUrl, async (c) => (await c.query('select * from api_tokens')).rows))).not.toContain(created.secret);

    const { principal, assertion } = await auth.client.authenticate({ token: created.secret });
    expect(principal).toMatchObject({
      subjectId: users['ana'],
      workspaceId: workspaceA,
      role: Role.ANALYST,
      scopes: ['issues:read', 'issues:write'],
      tokenKind: TokenKind.PERSONAL_ACCESS,
      displayName: 'ana',
    });
    expect(assertion).not.toBe('');
    const lastUsed = await withClient(database.adminUrl, async (c) => (await c.query(`select last_used_at from api_tokens where id = $1`, [created.token!.id])).rows[0]);
    expect(lastUsed.last_used_at).toBeInstanceOf(Date);

    const audit = await withClient(database.adminUrl, async (c) => (await c.query(`select action, target_id from audit_log where action like 'token.%'`)).rows);
    expect(audit).toContainEqual({ action: 'token.created', target_id: created.token!.id });
  });

  it('refuses a name already live for the user, and accepts it for another user', async () => {
    await createPat('ana', 'dup', ['issues:read']);
    await expect(createPat('ana', 'dup', ['issues:read'])).rejects.toMatchObject({ code: 'already_exists' });
    await expect(createPat('vic', 'dup', ['issues:read'])).rejects.toMatchObject({ code: 'insufficient_scope' }); // viewer lacks tokens:write
    await expect(createPat('adam', 'dup', ['issues:read'])).resolves.toBeDefined();
  });

  it('refuses bad names, past expiries and empty scopes', async () => {
    await expect(createPat('ana', '', ['issues:read'])).rejects.toMatchObject({ code: 'invalid_argument' });
    await expect(createPat('ana', 'x'.repeat(101), ['issues:read'])).rejects.toMatchObject({ code: 'invalid_argument' });
    await expect(createPat('ana', 'past', ['issues:read'], new Date(Date.now() - 1000))).rejects.toMatchObject({ code: 'invalid_argument' });
    await expect(createPat('ana', 'none', [])).rejects.toMatchObject({ code: 'invalid_argument' });
  });

  it('lists only the caller’s tokens, page by page with a signed cursor', async () => {
    for (const name of ['p1', 'p2', 'p3']) await createPat('adam', name, ['issues:read']);
    const first = await auth.client.listPersonalAccessTokens({ page: { limit: 2, cursor: '' } }, bearer(tokens['adam']!));
    expect(first.data).toHaveLength(2);
    expect(first.page?.hasMore).toBe(true);
    const second = await auth.client.listPersonalAccessTokens({ page: { limit: 2, cursor: first.page!.nextCursor } }, bearer(tokens['adam']!));
    const names = [...first.data, ...second.data].map((token) => token.name);
    expect(names).toEqual(expect.arrayContaining(['dup', 'p1', 'p2', 'p3']));
    expect(second.page?.hasMore).toBe(false);
    // Another user's cursor is not accepted for this list.
    await expect(
      auth.client.listPersonalAccessTokens({ page: { limit: 2, cursor: first.page!.nextCursor } }, bearer(tokens['ana']!)),
    ).rejects.toMatchObject({ code: 'invalid_argument' });
  });
});

describe('nobody creates a token above their role', () => {
  it.each([
    ['analyst', 'ana', ['audit:read']],
    ['analyst', 'ana', ['members:write']],
    ['admin', 'adam', ['governance:write']],
    ['analyst', 'ana', ['not:a-scope']],
  ])('a PAT: %s asking for %j is insufficient_scope', async (_, caller, scopes) => {
    await expect(createPat(caller, `above-${scopes[0]}`, scopes)).rejects.toMatchObject({ code: 'insufficient_scope' });
  });

  it('a service account: no role above the caller’s, and no token scopes above the caller’s or the account’s role', async () => {
    await expect(
      auth.client.createServiceAccount({ name: 'root', role: Role.OWNER }, bearer(tokens['adam']!)),
    ).rejects.toMatchObject({ code: 'permission_denied' });
    const admins = await auth.client.createServiceAccount({ name: 'deployer', role: Role.ADMIN }, bearer(tokens['olive']!));
    const viewers = await auth.client.createServiceAccount({ name: 'reader', role: Role.VIEWER }, bearer(tokens['olive']!));
    // An analyst holds tokens:write but may not mint, through an admin account, scopes they lack.
    await expect(
      auth.client.createServiceAccountToken(
        { serviceAccountId: admins.serviceAccount!.id, name: 't', scopes: ['members:write'] },
        bearer(tokens['ana']!),
      ),
    ).rejects.toMatchObject({ code: 'insufficient_scope' });
    // Nor beyond the account's own role, even an owner.
    await expect(
      auth.client.createServiceAccountToken(
        { serviceAccountId: viewers.serviceAccount!.id, name: 't', scopes: ['issues:write'] },
        bearer(tokens['olive']!),
      ),
    ).rejects.toMatchObject({ code: 'insufficient_scope' });
  });
});

describe('a viewer cannot reach a :write scope', () => {
  it('its access token cannot call a tokens:write RPC, and Authorize says no to every :write', async () => {
    await expect(createPat('vic', 'mine', ['issues:read'])).rejects.toMatchObject({ code: 'insufficient_scope' });
    const { principal } = await auth.client.authenticate({ token: tokens['vic']! });
    for (const scope of roleScopes.owner.filter((s) => s.endsWith(':write'))) {
      expect((await auth.client.authorize({ principal: principal!, scope })).allowed).toBe(false);
    }
    expect((await auth.client.authorize({ principal: principal!, scope: 'issues:read' })).allowed).toBe(true);
    // A principal claiming a write scope its role lacks is still refused.
    expect((await auth.client.authorize({ principal: { ...principal!, scopes: ['issues:write'] }, scope: 'issues:write' })).allowed).toBe(false);
    // Listing is a read, so a viewer may list (their own, empty) tokens.
    expect((await auth.client.listPersonalAccessTokens({}, bearer(tokens['vic']!))).data).toEqual([]);
  });

  it('a PAT made while an analyst loses its write scopes when the member becomes a viewer', async () => {
    const user = await seedUser(database, { email: 'demoted@example.com', issuer: auth.idp!.issuer, subject: 'idp|demoted' });
    await seedMember(auth.pool, workspaceA, user, 'analyst');
    const token = await accessToken('demoted', workspaceA);
    const { secret } = await auth.client.createPersonalAccessToken({ name: 'w', scopes: ['issues:read', 'issues:write'] }, bearer(token));
    await seedMember(auth.pool, workspaceA, user, 'viewer');
    const { principal } = await auth.client.authenticate({ token: secret });
    expect(principal?.scopes).toEqual(['issues:read']);
  });
});

describe('Authenticate refuses with UNAUTHENTICATED and writes nothing', () => {
  it('a PAT with a bad checksum, without any database query', async () => {
    const good = generateApiToken('personal_access');
    const last = good.at(-1) === 'A' ? 'B' : 'A';
    await refusedWithoutWrite(good.slice(0, -1) + last, { queries: 'none' });
    await refusedWithoutWrite('clp_pat_short', { queries: 'none' });
    await refusedWithoutWrite('clp_sa_' + 'x'.repeat(38), { queries: 'none' });
    await refusedWithoutWrite('not-a-token', { queries: 'none' });
  });

  it('a well-formed PAT that was never issued', async () => {
    await refusedWithoutWrite(generateApiToken('personal_access'));
  });

  it('a revoked PAT', async () => {
    const { token, secret } = await createPat('ana', 'to-revoke', ['issues:read']);
    await auth.client.authenticate({ token: secret });
    const revoked = await auth.client.revokePersonalAccessToken({ tokenId: token!.id }, bearer(tokens['ana']!));
    expect(revoked.token?.revokedAt).toBeDefined();
    await refusedWithoutWrite(secret);
  });

  it('an expired PAT', async () => {
    const { token, secret } = await createPat('ana', 'to-expire', ['issues:read'], new Date(Date.now() + 60_000));
    await asAdmin(database, `update api_tokens set expires_at = now() - interval '1 second' where id = $1`, [token!.id]);
    await refusedWithoutWrite(secret);
  });

  it('a rotated PAT’s old secret (the new one works at once)', async () => {
    const { token, secret } = await createPat('ana', 'to-rotate', ['issues:read']);
    const rotated = await auth.client.rotatePersonalAccessToken({ tokenId: token!.id }, bearer(tokens['ana']!));
    expect(rotated.secret).not.toBe(secret);
    await refusedWithoutWrite(secret);
    expect((await auth.client.authenticate({ token: rotated.secret })).principal?.subjectId).toBe(users['ana']);
  });

  it('a PAT whose owner is no longer a member', async () => {
    const user = await seedUser(database, { email: 'leaver@example.com', issuer: auth.idp!.issuer, subject: 'idp|leaver' });
    await seedMember(auth.pool, workspaceA, user, 'analyst');
    const { secret } = await auth.client.createPersonalAccessToken(
      { name: 'l', scopes: ['issues:read'] },
      bearer(await accessToken('leaver', workspaceA)),
    );
    await seedMember(auth.pool, workspaceA, user, 'analyst', 'removed');
    await refusedWithoutWrite(secret);
  });

  it('an access token signed with another key, or for another audience', async () => {
    const [header, payload] = tokens['ana']!.split('.');
    await refusedWithoutWrite(`${header}.${payload}.${'A'.repeat(43)}`, { queries: 'none' });
  });
});

describe('service accounts', () => {
  it('have tokens that survive their creator’s removal, and revoked SA tokens stop at once', async () => {
    const creator = await seedUser(database, { email: 'maker@example.com', issuer: auth.idp!.issuer, subject: 'idp|maker' });
    await seedMember(auth.pool, workspaceA, creator, 'admin');
    const makerToken = await accessToken('maker', workspaceA);
    const { serviceAccount } = await auth.client.createServiceAccount({ name: 'ingest-bot', role: Role.ANALYST }, bearer(makerToken));
    const { token, secret } = await auth.client.createServiceAccountToken(
      { serviceAccountId: serviceAccount!.id, name: 'prod', scopes: ['ingest:write', 'issues:read'] },
      bearer(makerToken),
    );
    expect(secret).toMatch(/^clp_sa_/);
    await seedMember(auth.pool, workspaceA, creator, 'admin', 'removed');
    const { principal } = await auth.client.authenticate({ token: secret });
    expect(principal).toMatchObject({
      subjectId: serviceAccount!.id,
      workspaceId: workspaceA,
      role: Role.ANALYST,
      tokenKind: TokenKind.SERVICE_ACCOUNT,
      scopes: ['ingest:write', 'issues:read'],
    });
    const listed = await auth.client.listServiceAccounts({}, bearer(tokens['olive']!));
    expect(listed.data.map((account) => account.name)).toContain('ingest-bot');
    await auth.client.revokeServiceAccountToken({ serviceAccountId: serviceAccount!.id, tokenId: token!.id }, bearer(tokens['olive']!));
    await refusedWithoutWrite(secret);
  });
});

describe('callers of the token RPCs', () => {
  it('are identified by a principal assertion, or refused without one', async () => {
    const { assertion } = await auth.client.authenticate({ token: tokens['adam']! });
    const listed = await auth.client.listScopes({}, { metadata: { 'x-causeloop-principal': assertion } });
    expect(listed.scopes.find((scope) => scope.name === 'governance:write')?.roles).toEqual(['owner']);
    await expect(auth.client.listScopes({})).rejects.toMatchObject({ code: 'unauthenticated' });
    await expect(auth.client.listScopes({}, { metadata: { 'x-causeloop-principal': 'forged.assertion.value' } })).rejects.toMatchObject({
      code: 'unauthenticated',
    });
  });

  it('refuse an access token for workspace A used with workspace B’s assertion', async () => {
    const inB = await accessToken('olive', workspaceB);
    const { assertion: assertionB } = await auth.client.authenticate({ token: inB });
    const before = await databaseState(database);
    const error = await auth.client
      .createPersonalAccessToken(
        { name: 'mixed', scopes: ['issues:read'] },
        { metadata: { authorization: `Bearer ${tokens['olive']!}`, 'x-causeloop-principal': assertionB } },
      )
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'unauthenticated' });
    expect(await databaseState(database)).toBe(before);
  });
});
