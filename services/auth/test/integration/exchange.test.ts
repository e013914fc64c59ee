import { exportSPKI, importJWK, SignJWT, type JWK } from 'jose';
import { Code } from '../support/codes.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CauseloopError } from '@causeloop/platform/errors';
import { createTestDatabase, seedMember, seedUser, seedWorkspace, type TestDatabase } from '@causeloop/platform/testing';
import { TokenKind } from '@causeloop/proto/causeloop/common/v1/principal_pb.js';
import { databaseState, startAuth, type RunningAuth } from '../support/auth-server.js';

let database: TestDatabase;
let auth: RunningAuth;
let workspaceA: string;
let workspaceB: string;
let userId: string;
const subject = 'idp|ada';

beforeAll(async () => {
  database = await createTestDatabase();
  auth = await startAuth(database);
  workspaceA = await seedWorkspace(auth.pool, 'A');
  workspaceB = await seedWorkspace(auth.pool, 'B');
  userId = await seedUser(database, { email: 'ada@example.com', issuer: auth.idp!.issuer, subject, name: 'Ada' });
  await seedMember(auth.pool, workspaceA, userId, 'analyst');
});

afterAll(async () => {
  await auth?.close();
  await database?.drop();
});

const idpToken = (claims: Record<string, unknown> = {}, options = {}) =>
  auth.idp!.issueToken({ sub: subject, email: 'ada@example.com', email_verified: true, ...claims }, options);

describe('ExchangeToken', () => {
  it('verifies the IdP token over the real JWKS path and issues tokens for the first active membership', async () => {
    const answer = await auth.client.exchangeToken({ subjectToken: await idpToken() });
    expect(answer).toMatchObject({ tokenType: 'bearer', workspaceId: workspaceA });
    expect(answer.expiresIn).toBeGreaterThan(800);
    expect(answer.scope.split(' ')).toContain('issues:write');
    expect(answer.refreshToken).not.toBe('');
    const { principal, assertion } = await auth.client.authenticate({ token: answer.accessToken });
    expect(principal).toMatchObject({ subjectId: userId, workspaceId: workspaceA, tokenKind: TokenKind.ACCESS, displayName: 'Ada' });
    expect(assertion.split('.')).toHaveLength(3);
    const audit = await withAdmin(`select action, actor_id from audit_log where action = 'auth.exchanged'`);
    expect(audit).toEqual([{ action: 'auth.exchanged', actor_id: userId }]);
  });

  it('refuses a workspace without an active membership with permission_denied', async () => {
    await expect(auth.client.exchangeToken({ subjectToken: await idpToken(), workspaceId: workspaceB })).rejects.toMatchObject({
      code: 'permission_denied',
    });
  });

  it('links an invited user by verified email, never by an unverified one', async () => {
    const invited = await seedUser(database, { email: 'grace@example.com' });
    await seedMember(auth.pool, workspaceB, invited, 'viewer');
    const unverified = await auth.idp!.issueToken({ sub: 'idp|grace', email: 'grace@example.com', email_verified: false });
    await expect(auth.client.exchangeToken({ subjectToken: unverified })).rejects.toMatchObject({ code: 'permission_denied' });
    const verified = await auth.idp!.issueToken({ sub: 'idp|grace', email: 'grace@example.com', email_verified: true });
    expect((await auth.client.exchangeToken({ subjectToken: verified })).workspaceId).toBe(workspaceB);
    // Linked: the same subject now resolves without the email.
    const noEmail = await auth.idp!.issueToken({ sub: 'idp|grace' });
    expect((await auth.client.exchangeToken({ subjectToken: noEmail })).workspaceId).toBe(workspaceB);
  });

  describe('refuses with UNAUTHENTICATED and writes nothing', () => {
    const now = () => Math.floor(Date.now() / 1000);
    const forged: [string, () => Promise<string>][] = [
      ['alg none', async () => unsigned(await idpToken())],
      ['HS256 signed with the RSA public key (algorithm confusion)', async () => confused(await idpToken())],
      ['an expired token', () => idpToken({}, { expiresIn: now() - 120 })],
      ['a not-yet-valid token', () => idpToken({}, { notBefore: now() + 600 })],
      ['a wrong issuer', () => idpToken({}, { issuer: 'https://evil.example' })],
      ['a wrong audience', () => idpToken({}, { audience: 'someone-else' })],
      ['an unknown kid', () => idpToken({}, { kid: 'not-a-published-kid' })],
      ['a tampered payload', async () => tamper(await idpToken())],
      ['a truncated signature', async () => (await idpToken()).slice(0, -12)],
    ];
    it.each(forged)('%s', async (_, make) => {
      const token = await make();
      const before = await databaseState(database);
      const error = await auth.client.exchangeToken({ subjectToken: token }).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'unauthenticated', message: expect.stringContaining('invalid or expired credentials') });
      expect((error as CauseloopError).grpcStatus).toBe(Code.UNAUTHENTICATED);
      expect(await databaseState(database)).toBe(before);
    });
  });
});

describe('identity-provider key rotation', () => {
  it('follows a new kid from the JWKS and stops accepting the retired key', async () => {
    const rotating = await startAuth(database, { unknownKidCooldownSeconds: 0 });
    try {
      const issuer = rotating.idp!.issuer;
      const user = await seedUser(database, { email: 'rot@example.com', issuer, subject: 'idp|rot' });
      await seedMember(rotating.pool, workspaceA, user, 'viewer');
      const oldToken = await rotating.idp!.issueToken({ sub: 'idp|rot' });
      expect((await rotating.client.exchangeToken({ subjectToken: oldToken })).workspaceId).toBe(workspaceA);
      const oldKid = rotating.idp!.currentKid;
      const newKid = await rotating.idp!.rotateKey();
      expect(newKid).not.toBe(oldKid);
      const fresh = await rotating.idp!.issueToken({ sub: 'idp|rot' });
      expect((await rotating.client.exchangeToken({ subjectToken: fresh })).workspaceId).toBe(workspaceA);
      await expect(rotating.client.exchangeToken({ subjectToken: oldToken })).rejects.toMatchObject({ code: 'unauthenticated' });
    } finally {
      await rotating.close();
    }
  });
});

describe('without an identity provider', () => {
  it('answers unavailable outside development, and serves dev:<email> for existing users in development', async () => {
    const test = await startAuth(database, { idp: false });
    const development = await startAuth(database, { idp: false, config: { nodeEnv: 'development' } });
    try {
      await expect(test.client.exchangeToken({ subjectToken: 'dev:ada@example.com' })).rejects.toMatchObject({ code: 'unavailable' });
      const answer = await development.client.exchangeToken({ subjectToken: 'dev:ada@example.com' });
      expect(answer.workspaceId).toBe(workspaceA);
      await expect(development.client.exchangeToken({ subjectToken: 'dev:nobody@example.com' })).rejects.toMatchObject({
        code: 'permission_denied',
      });
      await expect(development.client.exchangeToken({ subjectToken: await idpToken() })).rejects.toMatchObject({
        code: 'unavailable',
      });
    } finally {
      await test.close();
      await development.close();
    }
  });
});

async function withAdmin(sql: string): Promise<unknown[]> {
  const { withClient } = await import('@causeloop/platform/db');
  return withClient(database.adminUrl, async (client) => (await client.query(sql)).rows);
}

const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const decode = (part: string) => JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, unknown>;

function unsigned(token: string): string {
  const [header, payload] = token.split('.') as [string, string];
  return `${encode({ ...decode(header), alg: 'none' })}.${payload}.`;
}

function tamper(token: string): string {
  const [header, payload, signature] = token.split('.') as [string, string, string];
  return `${header}.${encode({ ...decode(payload), sub: 'idp|mallory' })}.${signature}`;
}

/** The classic confusion: HS256 with the provider's public key (PEM text) as the secret. */
async function confused(token: string): Promise<string> {
  const jwks = (await (await fetch(auth.idp!.jwksUrl)).json()) as { keys: JWK[] };
  const jwk = jwks.keys[0]!;
  const pem = await exportSPKI((await importJWK(jwk, 'RS256', { extractable: true })) as Parameters<typeof exportSPKI>[0]);
  const payload = decode(token.split('.')[1]!);
  return new SignJWT(payload)
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT', kid: jwk.kid! })
    .sign(new TextEncoder().encode(pem));
}

