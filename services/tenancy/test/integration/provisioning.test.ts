import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Role } from '@causeloop/proto/causeloop/common/v1/principal_pb.js';
import { Plan } from '@causeloop/proto/causeloop/tenancy/v1/provisioning_pb.js';
import { acceptThroughGateway, bearer, signIn, startTenancyStack, type TenancyStack } from '../support/tenancy-stack.js';

let stack: TenancyStack;
beforeAll(async () => {
  stack = await startTenancyStack();
});
afterAll(async () => {
  await stack?.close();
});

const codeOf = (error: unknown) => (error as { code?: unknown }).code;

async function counts(): Promise<Record<string, string>> {
  const [row] = await stack.asAdmin<Record<string, string>>(
    `select (select count(*) from organizations) as organizations, (select count(*) from workspaces) as workspaces,
            (select count(*) from workspace_keys) as keys, (select count(*) from invitations) as invitations`,
  );
  return row!;
}

describe('ProvisioningService.CreateOrganization', () => {
  it('refuses callers without an operator token: none, a made-up one, a workspace credential', async () => {
    const created = await stack.provision();
    const email = created.ownerInvitation!.email;
    expect((await acceptThroughGateway(stack.gateway, created.ownerInvitationToken)).statusCode).toBe(200);
    const ownerToken = await signIn(stack.gateway, email);
    const request = { slug: 'refused-org', name: 'Refused', plan: Plan.FREE, seats: 1, ownerEmail: 'x@refused.example' };
    for (const metadata of [{}, { authorization: 'Bearer clp_op_not-a-real-operator-token' }]) {
      await expect(stack.provisioning.createOrganization(request, { metadata })).rejects.toSatisfy(
        (error) => codeOf(error) === 'unauthenticated',
      );
    }
    // An internal RPC: the platform gate refuses workspace credentials before the operator check.
    for (const metadata of [{ authorization: `Bearer ${ownerToken}` }, { 'x-causeloop-principal': ownerToken }]) {
      await expect(stack.provisioning.createOrganization(request, { metadata })).rejects.toSatisfy(
        (error) => codeOf(error) === 'permission_denied',
      );
    }
    const rows = await stack.asAdmin(`select 1 from organizations where slug = 'refused-org'`);
    expect(rows).toEqual([]);
  });

  it('creates the organization, its first workspace with a data key, and an owner invitation in one go', async () => {
    const created = await stack.provision({ slug: 'acme', name: 'Acme Corp', plan: Plan.GROWTH, seats: 25, ownerEmail: 'Ada@Acme.example' });
    expect(created.replayed).toBe(false);
    expect(created.organization).toMatchObject({ slug: 'acme', name: 'Acme Corp', plan: Plan.GROWTH, seats: 25 });
    expect(created.workspace).toMatchObject({ name: 'Acme Corp', slug: 'acme', organizationId: created.organization!.id });
    expect(created.ownerInvitation).toMatchObject({ email: 'ada@acme.example', role: Role.OWNER });
    expect(created.ownerInvitationToken).toMatch(/^clp_inv_/);
    const keys = await stack.asAdmin(`select dek_version from workspace_keys where workspace_id = $1`, [created.workspace!.id]);
    expect(keys).toHaveLength(1);
    const stored = await stack.asAdmin<{ token_hash: Buffer }>(`select token_hash from invitations where workspace_id = $1`, [
      created.workspace!.id,
    ]);
    // Only the hash is stored, never the token.
    expect(stored[0]!.token_hash.toString('utf8')).not.toContain(created.ownerInvitationToken.slice(8));
    const audit = await stack.asAdmin<{ action: string }>(`select action from audit_log where workspace_id = $1 order by id`, [
      created.workspace!.id,
    ]);
    expect(audit.map((row) => row.action)).toEqual(['organization.created', 'member.invited']);
  });

  it('answers the same request again with the same ids and no new rows; another request for the slug is 409', async () => {
    const request = { slug: 'globex', name: 'Globex', plan: Plan.FREE, seats: 3, ownerEmail: 'hank@globex.example' };
    const first = await stack.provision(request);
    const before = await counts();
    const again = await stack.provision(request);
    expect(again.replayed).toBe(true);
    expect(again.organization!.id).toBe(first.organization!.id);
    expect(again.workspace!.id).toBe(first.workspace!.id);
    expect(again.ownerInvitation!.id).toBe(first.ownerInvitation!.id);
    expect(again.ownerInvitationToken).toBe('');
    expect(await counts()).toEqual(before);

    await expect(stack.provision({ ...request, seats: 4 })).rejects.toSatisfy((error) => codeOf(error) === 'already_exists');
    expect(await counts()).toEqual(before);
  });

  it('gives concurrent identical requests one organization', async () => {
    const request = { slug: 'initech', name: 'Initech', plan: Plan.STARTER, seats: 5, ownerEmail: 'bill@initech.example' };
    const answers = await Promise.all([stack.provision(request), stack.provision(request), stack.provision(request)]);
    expect(new Set(answers.map((answer) => answer.organization!.id)).size).toBe(1);
    expect(answers.filter((answer) => !answer.replayed)).toHaveLength(1);
    const rows = await stack.asAdmin(`select 1 from workspaces w join organizations o on o.id = w.organization_id where o.slug = 'initech'`);
    expect(rows).toHaveLength(1);
  });

  it('names every invalid field at once', async () => {
    const error = await stack
      .provision({ slug: '-Bad-', name: 'x', plan: Plan.UNSPECIFIED, seats: 0, ownerEmail: 'nobody' })
      .catch((caught: unknown) => caught);
    expect(codeOf(error)).toBe('invalid_argument');
    const fields = (error as { violations: { field: string }[] }).violations.map((violation) => violation.field);
    // workspace_name and workspace_slug were left empty (the organization's are used), so only the sent fields are named.
    expect(fields).toEqual(['slug', 'name', 'plan', 'seats', 'owner_email']);
  });

  it('is not reachable through the gateway', async () => {
    const response = await stack.gateway.inject({ method: 'POST', url: '/v1/organizations', payload: {}, headers: bearer('x') });
    expect(response.statusCode).toBe(404);
  });
});
