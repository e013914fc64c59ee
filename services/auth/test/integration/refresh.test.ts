import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, seedMember, seedUser, seedWorkspace, type TestDatabase } from '@causeloop/platform/testing';
import { startAuth, type RunningAuth } from '../support/auth-server.js';

let database: TestDatabase;
let auth: RunningAuth;

beforeAll(async () => {
  database = await createTestDatabase();
  auth = await startAuth(database); // REFRESH_REUSE_GRACE_SECONDS = 2
  const workspace = await seedWorkspace(auth.pool, 'A');
  const user = await seedUser(database, { email: 'ada@example.com', issuer: auth.idp!.issuer, subject: 'idp|ada' });
  await seedMember(auth.pool, workspace, user, 'admin');
});

afterAll(async () => {
  await auth?.close();
  await database?.drop();
});

const exchange = async () =>
  auth.client.exchangeToken({ subjectToken: await auth.idp!.issueToken({ sub: 'idp|ada' }) });

describe('RefreshToken', () => {
  it('rotates on every use: a new refresh token and a working access token each time', async () => {
    const first = await exchange();
    const second = await auth.client.refreshToken({ refreshToken: first.refreshToken });
    expect(second.refreshToken).not.toBe(first.refreshToken);
    const third = await auth.client.refreshToken({ refreshToken: second.refreshToken });
    expect(third.refreshToken).not.toBe(second.refreshToken);
    expect((await auth.client.authenticate({ token: third.accessToken })).principal?.workspaceId).toBe(first.workspaceId);
  });

  it('gives a concurrent refresh within the grace window the same successor', async () => {
    const first = await exchange();
    const [a, b] = await Promise.all([
      auth.client.refreshToken({ refreshToken: first.refreshToken }),
      auth.client.refreshToken({ refreshToken: first.refreshToken }),
    ]);
    expect(a.refreshToken).toBe(b.refreshToken);
    expect((await auth.client.refreshToken({ refreshToken: a.refreshToken })).refreshToken).not.toBe(a.refreshToken);
  });

  it('after the grace window, a spent token is refused and its whole family dies (the newer one too)', async () => {
    const first = await exchange();
    const second = await auth.client.refreshToken({ refreshToken: first.refreshToken });
    await new Promise((resolve) => setTimeout(resolve, 2_300));
    await expect(auth.client.refreshToken({ refreshToken: first.refreshToken })).rejects.toMatchObject({
      code: 'unauthenticated',
    });
    await expect(auth.client.refreshToken({ refreshToken: second.refreshToken })).rejects.toMatchObject({
      code: 'unauthenticated',
    });
    // Another session (another family) is untouched.
    const other = await exchange();
    expect((await auth.client.refreshToken({ refreshToken: other.refreshToken })).refreshToken).not.toBe('');
  });

  it('refuses unknown, malformed and expired refresh tokens', async () => {
    await expect(auth.client.refreshToken({ refreshToken: 'nope' })).rejects.toMatchObject({ code: 'unauthenticated' });
    // No token at all is a malformed request (the proto marks it required), not a bad credential.
    await expect(auth.client.refreshToken({ refreshToken: '' })).rejects.toMatchObject({
      code: 'invalid_argument',
      violations: [{ field: 'refresh_token', description: 'is required' }],
    });
    const session = await exchange();
    const { withClient } = await import('@causeloop/platform/db');
    await withClient(database.adminUrl, (client) =>
      client.query(`update refresh_tokens set expires_at = now() - interval '1 second' where used_at is null and revoked_at is null`),
    );
    await expect(auth.client.refreshToken({ refreshToken: session.refreshToken })).rejects.toMatchObject({
      code: 'unauthenticated',
    });
  });
});
