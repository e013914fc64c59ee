import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acceptThroughGateway, bearer, signIn, startTenancyStack, type TenancyStack } from '../support/tenancy-stack.js';

let stack: TenancyStack;
let owner: string;
let base: string;
let workspaceId: string;
beforeAll(async () => {
  stack = await startTenancyStack();
  const created = await stack.provision({ slug: 'settings', ownerEmail: 'owner@settings.example' });
  workspaceId = created.workspace!.id;
  base = `/v1/workspaces/${workspaceId}`;
  await acceptThroughGateway(stack.gateway, created.ownerInvitationToken);
  owner = await signIn(stack.gateway, 'owner@settings.example');
});
afterAll(async () => {
  await stack?.close();
});

const patch = (url: string, token: string, payload: Record<string, unknown>) =>
  stack.gateway.inject({ method: 'PATCH', url, headers: bearer(token), payload });

describe('workspace settings', () => {
  it('updates the profile and AI settings and records what changed', async () => {
    const response = await patch(base, owner, {
      name: 'Platform Team',
      slug: 'platform-team',
      description: 'Failures of the platform',
      timezone: 'Europe/Berlin',
      ai_auto_link: true,
      ai_confidence_threshold: 0.65,
      ai_proof_window_days: 14,
    });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({
      workspace: {
        name: 'Platform Team',
        slug: 'platform-team',
        timezone: 'Europe/Berlin',
        ai: { auto_link: true, confidence_threshold: 0.65, proof_window_days: 14 },
      },
    });
    const [entry] = await stack.asAdmin<{ before: Record<string, unknown>; after: Record<string, unknown> }>(
      `select before, after from audit_log where workspace_id = $1 and action = 'workspace.updated'`,
      [workspaceId],
    );
    expect(entry!.before).toMatchObject({ name: 'Org settings', timezone: 'UTC', ai_auto_link: false });
    expect(entry!.after).toMatchObject({ name: 'Platform Team', timezone: 'Europe/Berlin', ai_auto_link: true });
  });

  it('refuses invalid fields with 400, naming each, and changes nothing', async () => {
    const response = await patch(base, owner, {
      name: 'x',
      slug: 'Not A Slug',
      description: 'd'.repeat(2001),
      timezone: 'Mars/Olympus_Mons',
      ai_confidence_threshold: 1.5,
      ai_proof_window_days: 6,
    });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ code: 'invalid_argument' });
    const current = (await stack.gateway.inject({ method: 'GET', url: base, headers: bearer(owner) })).json() as {
      workspace: { name: string };
    };
    expect(current.workspace.name).toBe('Platform Team');
    // A zone of the right shape that does not exist is the handler's to refuse (the zone database).
    for (const payload of [{ timezone: '+01:00' }, { timezone: 'Mars/Olympus_Mons' }, { ai_proof_window_days: 366 }, { name: 'n'.repeat(101) }]) {
      expect((await patch(base, owner, payload)).statusCode, JSON.stringify(payload)).toBe(400);
    }
  });

  it('keeps the audit log at least 365 days: shorter is 422 retention_below_minimum', async () => {
    const refused = await patch(`${base}/retention`, owner, { audit_days: 364 });
    expect(refused.statusCode).toBe(422);
    expect(refused.json()).toMatchObject({ code: 'retention_below_minimum' });
    const accepted = await patch(`${base}/retention`, owner, { audit_days: 400, issues_days: 90, prompt_logs_days: 30 });
    expect(accepted.statusCode).toBe(200);
    expect(accepted.json()).toMatchObject({ retention: { audit_days: 400, issues_days: 90, activity_days: 0, prompt_logs_days: 30 } });
    const read = await stack.gateway.inject({ method: 'GET', url: `${base}/retention`, headers: bearer(owner) });
    expect(read.json()).toMatchObject({ retention: { audit_days: 400 } });
    const entries = await stack.asAdmin(`select 1 from audit_log where workspace_id = $1 and action = 'retention.updated'`, [
      workspaceId,
    ]);
    expect(entries).toHaveLength(1);
  });
});
