import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acceptThroughGateway, bearer, signIn, startTenancyStack, type TenancyStack } from '../support/tenancy-stack.js';

let stack: TenancyStack;
beforeAll(async () => {
  stack = await startTenancyStack();
});
afterAll(async () => {
  await stack?.close();
});

interface MemberJson {
  user_id: string;
  email: string;
  role: string;
}

describe('members through the gateway', () => {
  it('provisioning → invite → accept → role change → last-owner guard → removal revokes tokens, every change audited', async () => {
    const { gateway } = stack;
    const created = await stack.provision({ slug: 'lifecycle', ownerEmail: 'olivia@lifecycle.example' });
    const workspaceId = created.workspace!.id;
    const base = `/v1/workspaces/${workspaceId}`;

    // The owner accepts the operator's invitation and signs in.
    expect((await acceptThroughGateway(gateway, created.ownerInvitationToken)).statusCode).toBe(200);
    const owner = await signIn(gateway, 'olivia@lifecycle.example');
    const me = await gateway.inject({ method: 'GET', url: base, headers: bearer(owner) });
    expect(me.statusCode).toBe(200);
    expect(me.json()).toMatchObject({ workspace: { id: workspaceId, slug: 'lifecycle' } });

    // Invite an analyst; the token is shown once and works once.
    const invited = await gateway.inject({
      method: 'POST',
      url: `${base}/invitations`,
      headers: bearer(owner),
      payload: { email: 'sam@lifecycle.example', role: 'ROLE_ANALYST' },
    });
    expect(invited.statusCode).toBe(200);
    const invitationToken = (invited.json() as { token: string }).token;
    const accepted = await acceptThroughGateway(gateway, invitationToken);
    expect(accepted.statusCode).toBe(200);
    const samId = (JSON.parse(accepted.body) as { member: MemberJson }).member.user_id;
    expect((await acceptThroughGateway(gateway, invitationToken)).statusCode).toBe(404);

    const sam = await signIn(gateway, 'sam@lifecycle.example');
    const pat = await gateway.inject({
      method: 'POST',
      url: '/v1/api-tokens',
      headers: bearer(sam),
      payload: { name: 'ci', scopes: ['issues:read'] },
    });
    expect(pat.statusCode).toBe(200);
    const samPat = (pat.json() as { secret: string }).secret;

    // An analyst cannot invite (no members:write) nor change roles.
    const analystInvite = await gateway.inject({
      method: 'POST',
      url: `${base}/invitations`,
      headers: bearer(sam),
      payload: { email: 'eve@lifecycle.example', role: 'ROLE_OWNER' },
    });
    expect(analystInvite.statusCode).toBe(403);

    // Role change: analyst → admin; an admin cannot grant owner nor touch the owner.
    const promoted = await gateway.inject({
      method: 'PATCH',
      url: `${base}/members/${samId}`,
      headers: bearer(owner),
      payload: { role: 'ROLE_ADMIN' },
    });
    expect(promoted.statusCode).toBe(200);
    expect(promoted.json()).toMatchObject({ member: { user_id: samId, role: 'ROLE_ADMIN' } });
    const admin = await signIn(gateway, 'sam@lifecycle.example');
    const ownerId = (
      (await gateway.inject({ method: 'GET', url: `${base}/members`, headers: bearer(owner) })).json() as { data: MemberJson[] }
    ).data.find((member) => member.email === 'olivia@lifecycle.example')!.user_id;
    for (const attempt of [
      { method: 'PATCH' as const, url: `${base}/members/${samId}`, payload: { role: 'ROLE_OWNER' } },
      { method: 'PATCH' as const, url: `${base}/members/${ownerId}`, payload: { role: 'ROLE_VIEWER' } },
      { method: 'DELETE' as const, url: `${base}/members/${ownerId}` },
      { method: 'POST' as const, url: `${base}/invitations`, payload: { email: 'eve@lifecycle.example', role: 'ROLE_OWNER' } },
    ]) {
      const refused = await gateway.inject({ ...attempt, headers: bearer(admin) });
      expect(refused.statusCode, `${attempt.method} ${attempt.url}`).toBe(403);
    }

    // The last owner can be neither demoted nor removed, even by themselves.
    for (const attempt of [
      { method: 'PATCH' as const, url: `${base}/members/${ownerId}`, payload: { role: 'ROLE_ADMIN' } },
      { method: 'DELETE' as const, url: `${base}/members/${ownerId}` },
    ]) {
      const refused = await gateway.inject({ ...attempt, headers: bearer(owner) });
      expect(refused.statusCode).toBe(422);
      expect(refused.json()).toMatchObject({ code: 'last_owner' });
    }

    // Removal: the member's access token and PAT are refused by auth on the next call.
    expect((await stack.auth.authenticate({ token: admin })).principal?.subjectId).toBe(samId);
    const removed = await gateway.inject({ method: 'DELETE', url: `${base}/members/${samId}`, headers: bearer(owner) });
    expect(removed.statusCode).toBe(200);
    expect(removed.json()).toMatchObject({ revoked_tokens: 3 }); // the PAT and both sign-ins' refresh tokens
    for (const token of [sam, admin, samPat]) {
      await expect(stack.auth.authenticate({ token })).rejects.toMatchObject({ code: 'unauthenticated' });
    }
    const listed = (await gateway.inject({ method: 'GET', url: `${base}/members`, headers: bearer(owner) })).json() as {
      data: MemberJson[];
    };
    expect(listed.data.map((member) => member.email)).toEqual(['olivia@lifecycle.example']);

    // Auth's own entries (sign-ins, the PAT) are interleaved; these are tenancy's.
    const audit = await stack.asAdmin<{ action: string; actor_id: string | null }>(
      `select action, actor_id from audit_log where workspace_id = $1 and action_category in ('organization', 'member')
        order by created_at, id`,
      [workspaceId],
    );
    expect(audit.find((row) => row.action === 'member.removed')?.actor_id).toBe(ownerId);
    expect(audit.map((row) => row.action)).toEqual([
      'organization.created',
      'member.invited',
      'member.joined',
      'member.invited',
      'member.joined',
      'member.role_changed',
      'member.removed',
    ]);
    // Auth's entries carry the actor's kind too: the sign-in and the PAT were a person's.
    const authEntries = await stack.asAdmin<{ action: string; actor_kind: string | null }>(
      `select distinct action, actor_kind from audit_log where workspace_id = $1 and action in ('auth.exchanged', 'token.created')`,
      [workspaceId],
    );
    expect(authEntries.map((row) => row.actor_kind)).toEqual(['user', 'user']);
  });

  it('expires invitations after 7 days and keeps only the newest token per email', async () => {
    const created = await stack.provision({ slug: 'expiry', ownerEmail: 'owner@expiry.example' });
    const first = await stack.provision({ slug: 'expiry', ownerEmail: 'owner@expiry.example' });
    expect(first.replayed).toBe(true);
    await acceptThroughGateway(stack.gateway, created.ownerInvitationToken);
    const owner = await signIn(stack.gateway, 'owner@expiry.example');
    const invite = async () =>
      (
        await stack.gateway.inject({
          method: 'POST',
          url: `/v1/workspaces/${created.workspace!.id}/invitations`,
          headers: bearer(owner),
          payload: { email: 'late@expiry.example', role: 'ROLE_VIEWER' },
        })
      ).json() as { token: string };
    const replaced = await invite();
    const latest = await invite();
    expect((await acceptThroughGateway(stack.gateway, replaced.token)).statusCode).toBe(404);
    stack.advanceClock(7 * 86_400_000 + 1_000);
    try {
      expect((await acceptThroughGateway(stack.gateway, latest.token)).statusCode).toBe(404);
    } finally {
      stack.advanceClock(-(7 * 86_400_000 + 1_000));
    }
    expect((await acceptThroughGateway(stack.gateway, latest.token)).statusCode).toBe(200);
  });

  it('refuses malformed and forged invitation tokens without telling them apart', async () => {
    const created = await stack.provision({ slug: 'forged', ownerEmail: 'owner@forged.example' });
    const real = created.ownerInvitationToken;
    const forged = real.slice(0, -4) + (real.endsWith('AAAA') ? 'BBBB' : 'AAAA');
    for (const token of ['clp_inv_short', forged, real.replace(/^clp_inv_[0-9a-f]{32}/, `clp_inv_${'0'.repeat(32)}`)]) {
      const answer = await acceptThroughGateway(stack.gateway, token);
      expect(answer.statusCode).toBe(404);
      expect(JSON.parse(answer.body)).toMatchObject({ detail: 'invitation not found or no longer valid' });
    }
    // No token at all is a malformed request, refused by the proto's rules before any lookup.
    expect((await acceptThroughGateway(stack.gateway, '')).statusCode).toBe(400);
  });

  it('lists members a page at a time with a signed cursor bound to the workspace', async () => {
    const created = await stack.provision({ slug: 'paging', ownerEmail: 'a@paging.example' });
    await acceptThroughGateway(stack.gateway, created.ownerInvitationToken);
    const owner = await signIn(stack.gateway, 'a@paging.example');
    const base = `/v1/workspaces/${created.workspace!.id}`;
    for (const email of ['b@paging.example', 'c@paging.example']) {
      const invited = await stack.gateway.inject({
        method: 'POST',
        url: `${base}/invitations`,
        headers: bearer(owner),
        payload: { email, role: 'ROLE_VIEWER' },
      });
      await acceptThroughGateway(stack.gateway, (invited.json() as { token: string }).token);
    }
    const seen: string[] = [];
    let cursor = '';
    for (;;) {
      const page = (
        await stack.gateway.inject({ method: 'GET', url: `${base}/members?limit=2&cursor=${cursor}`, headers: bearer(owner) })
      ).json() as { data: MemberJson[]; page: { next_cursor: string; has_more: boolean } };
      seen.push(...page.data.map((member) => member.email));
      if (!page.page.has_more) break;
      cursor = page.page.next_cursor;
    }
    expect(seen.sort()).toEqual(['a@paging.example', 'b@paging.example', 'c@paging.example']);
    const forged = Buffer.concat([Buffer.alloc(16), Buffer.from('00000000-0000-7000-8000-000000000000')]).toString('base64url');
    const refused = await stack.gateway.inject({ method: 'GET', url: `${base}/members?cursor=${forged}`, headers: bearer(owner) });
    expect(refused.statusCode).toBe(400);
  });
});
