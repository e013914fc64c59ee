import { create, ScalarType, type DescMethod, type DescService } from '@bufbuild/protobuf';
import { timestampFromMs } from '@bufbuild/protobuf/wkt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PrincipalSchema, Role } from '@causeloop/proto/causeloop/common/v1/principal_pb.js';
import { GovernanceService } from '@causeloop/proto/causeloop/tenancy/v1/governance_pb.js';
import { GrpcStatus } from '@causeloop/platform/errors';
import { createGrpcClient, grpcStatusOf, type GrpcCallOptions } from '@causeloop/platform/grpc';
import { methodAccess, principalAssertionHeader, roleScopes } from '@causeloop/platform/identity';
import { acceptThroughGateway, bearer, publicTenancyServices, signIn, startTenancyStack, type TenancyStack } from '../support/tenancy-stack.js';

// Cluster clients calling tenancy over gRPC without the gateway (DESIGN §6, issue 13): the
// platform gate resolves their service-account tokens through the real auth process.
const authCacheTtlMs = 5_000;

let stack: TenancyStack;
let a: { workspaceId: string; owner: string };
let b: { workspaceId: string; owner: string };

beforeAll(async () => {
  stack = await startTenancyStack({ authCacheTtlMs });
  const tenant = async (slug: string) => {
    const org = await stack.provision({ slug, ownerEmail: `owner@${slug}.example` });
    await acceptThroughGateway(stack.gateway, org.ownerInvitationToken);
    return { workspaceId: org.workspace!.id, owner: await signIn(stack.gateway, `owner@${slug}.example`) };
  };
  a = await tenant('direct-a');
  b = await tenant('direct-b');
});
afterAll(async () => {
  await stack?.close();
});

let accounts = 0;

/** A service account of the owner's workspace with `role`, and one clp_sa_ token for it (through the gateway, as a person would). */
async function serviceAccountToken(owner: string, role: 'ROLE_VIEWER' | 'ROLE_OWNER'): Promise<{ secret: string; accountId: string; tokenId: string }> {
  const post = async <T>(url: string, payload: object): Promise<T> => {
    const response = await stack.gateway.inject({ method: 'POST', url, headers: bearer(owner), payload });
    expect(response.statusCode, `POST ${url}: ${response.body}`).toBe(200);
    return response.json();
  };
  accounts += 1;
  const account = await post<{ service_account: { id: string } }>('/v1/service-accounts', { name: `sa-${accounts}`, role });
  const scopes = roleScopes[role === 'ROLE_OWNER' ? 'owner' : 'viewer'];
  const token = await post<{ secret: string; token: { id: string } }>(`/v1/service-accounts/${account.service_account.id}/tokens`, { name: 'ci', scopes });
  expect(token.secret).toMatch(/^clp_sa_/);
  return { secret: token.secret, accountId: account.service_account.id, tokenId: token.token.id };
}

const withMetadata = (metadata: Record<string, string>): GrpcCallOptions => ({ metadata });

async function counterValue(name: string, labels: Record<string, string>): Promise<number> {
  const metric = stack.registry.getSingleMetric(name);
  if (metric === undefined) return 0;
  const { values } = await metric.get();
  const match = values.find((value) => Object.entries(labels).every(([key, expected]) => value.labels[key] === expected));
  return match?.value ?? 0;
}

describe('direct gRPC callers of tenancy', () => {
  it('answers a call without credentials UNAUTHENTICATED before any handler runs, and counts it', async () => {
    const before = await counterValue('causeloop_auth_calls_denied_total', { reason: 'unauthenticated' });
    // A workspace that does not exist: were the handler reached, the answer would be NOT_FOUND.
    await expect(stack.members.listMembers({ workspaceId: '0190a1b2-c3d4-7e5f-8a6b-000000000000' })).rejects.toMatchObject({
      code: 'unauthenticated',
    });
    expect(await counterValue('causeloop_auth_calls_denied_total', { reason: 'unauthenticated' })).toBe(before + 1);
    expect(await counterValue('causeloop_auth_authentications_total', { site: 'gate', kind: 'none', outcome: 'missing' })).toBeGreaterThanOrEqual(1);
  });

  it('lists a workspace’s members with a service-account token, and counts the authentication', async () => {
    const { secret } = await serviceAccountToken(a.owner, 'ROLE_VIEWER');
    const before = await counterValue('causeloop_auth_authentications_total', { site: 'gate', kind: 'service_account', outcome: 'ok' });
    const listed = await stack.members.listMembers({ workspaceId: a.workspaceId }, withMetadata(bearer(secret)));
    expect(listed.data.map((member) => member.email)).toContain('owner@direct-a.example');
    expect(await counterValue('causeloop_auth_authentications_total', { site: 'gate', kind: 'service_account', outcome: 'ok' })).toBe(before + 1);
  });

  it('refuses a forged assertion and an expired one with UNAUTHENTICATED', async () => {
    const { principal, assertion } = await stack.auth.authenticate({ token: a.owner });
    expect(principal?.workspaceId).toBe(a.workspaceId);
    const [header, payload] = assertion.split('.');
    // The payload of a genuine assertion, re-labelled as owner of workspace B, keeping A's signature.
    const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString()) as Record<string, unknown>;
    const forgedPayload = Buffer.from(JSON.stringify({ ...claims, workspace_id: b.workspaceId })).toString('base64url');
    const forged = `${header}.${forgedPayload}.${assertion.split('.')[2]}`;
    await expect(
      stack.members.listMembers({ workspaceId: b.workspaceId }, withMetadata({ [principalAssertionHeader]: forged })),
    ).rejects.toMatchObject({ code: 'unauthenticated' });

    // Signed with the right key, but for a credential that expired an hour ago.
    const expired = await stack.signer.sign(
      create(PrincipalSchema, { ...principal!, expiresAt: timestampFromMs(Date.now() - 3_600_000) }),
    );
    const expiredBefore = await counterValue('causeloop_auth_authentications_total', { site: 'gate', kind: 'assertion', outcome: 'expired' });
    await expect(
      stack.members.listMembers({ workspaceId: a.workspaceId }, withMetadata({ [principalAssertionHeader]: expired })),
    ).rejects.toMatchObject({ code: 'unauthenticated' });
    expect(await counterValue('causeloop_auth_authentications_total', { site: 'gate', kind: 'assertion', outcome: 'expired' })).toBe(expiredBefore + 1);
  });

  it('refuses an assertion for workspace A riding with a token of workspace B', async () => {
    const { assertion } = await stack.auth.authenticate({ token: a.owner });
    const { secret: tokenOfB } = await serviceAccountToken(b.owner, 'ROLE_VIEWER');
    for (const workspaceId of [a.workspaceId, b.workspaceId]) {
      await expect(
        stack.members.listMembers({ workspaceId }, withMetadata({ [principalAssertionHeader]: assertion, ...bearer(tokenOfB) })),
      ).rejects.toMatchObject({ code: 'unauthenticated' });
    }
  });

  it('answers a viewer’s service-account token PERMISSION_DENIED on a write RPC, and leaves the workspace as it was', async () => {
    const { secret } = await serviceAccountToken(a.owner, 'ROLE_VIEWER');
    const before = await counterValue('causeloop_auth_calls_denied_total', { reason: 'insufficient_scope' });
    await expect(
      stack.members.inviteMember({ workspaceId: a.workspaceId, email: 'eve@direct-a.example', role: Role.VIEWER }, withMetadata(bearer(secret))),
    ).rejects.toSatisfy((error) => grpcStatusOf(error) === GrpcStatus.PERMISSION_DENIED && (error as { code: string }).code === 'insufficient_scope');
    await expect(
      stack.workspaces.updateWorkspace({ workspaceId: a.workspaceId, name: 'taken over' }, withMetadata(bearer(secret))),
    ).rejects.toMatchObject({ code: 'insufficient_scope' });
    expect(await counterValue('causeloop_auth_calls_denied_total', { reason: 'insufficient_scope' })).toBe(before + 2);
    const workspace = await stack.workspaces.getWorkspace({ workspaceId: a.workspaceId }, withMetadata(bearer(secret)));
    expect(workspace.workspace?.name).not.toBe('taken over');
    const invited = await stack.asAdmin<{ count: string }>(`select count(*) from invitations where email = 'eve@direct-a.example'`);
    expect(invited[0]!.count).toBe('0');
  });

  it('gives an owner’s service-account token of A NOT_FOUND for every id of B on every scoped tenancy RPC', async () => {
    const { secret } = await serviceAccountToken(a.owner, 'ROLE_OWNER');
    // B gets one of everything an RPC can name: a member, an export job, an erasure request.
    const invited = await stack.members.inviteMember(
      { workspaceId: b.workspaceId, email: 'sam@direct-b.example', role: Role.VIEWER },
      withMetadata(bearer(b.owner)),
    );
    const accepted = JSON.parse((await acceptThroughGateway(stack.gateway, invited.token)).body) as { member: { user_id: string } };
    const clientsOfB = publicTenancyServices.map((service) => ({ service, client: createGrpcClient(service, { address: stack.tenancyAddress, defaultDeadlineMs: 10_000 }) }));
    try {
      const call = (service: DescService, method: DescMethod, request: object, metadata: Record<string, string>) => {
        const client = clientsOfB.find((entry) => entry.service === service)!.client as unknown as Record<
          string,
          (request: object, options: GrpcCallOptions) => Promise<Record<string, unknown>>
        >;
        return client[method.localName]!(request, withMetadata(metadata));
      };
      const job = await call(GovernanceService, GovernanceService.method.createExportJob, { workspaceId: b.workspaceId }, bearer(b.owner));
      const erasure = await call(
        GovernanceService,
        GovernanceService.method.createErasureRequest,
        { workspaceId: b.workspaceId, subjectId: accepted.member.user_id },
        bearer(b.owner),
      );
      const idsOfB: Record<string, string> = {
        workspace_id: b.workspaceId,
        user_id: accepted.member.user_id,
        subject_id: accepted.member.user_id,
        job_id: (job['job'] as { id: string }).id,
        part: '0',
        request_id: (erasure['request'] as { id: string }).id,
      };
      const stateOfB = () =>
        stack.asAdmin(
          `select (select to_jsonb(w) from workspaces w where w.id = $1) as workspace,
                  (select jsonb_agg(to_jsonb(m) order by m.user_id) from workspace_members m where m.workspace_id = $1) as members,
                  (select jsonb_agg(to_jsonb(j) order by j.id) from export_jobs j where j.workspace_id = $1) as export_jobs,
                  (select jsonb_agg(to_jsonb(e) order by e.id) from erasure_requests e where e.workspace_id = $1) as erasure_requests`,
          [b.workspaceId],
        );
      const before = await stateOfB();
      const tried: string[] = [];
      for (const service of publicTenancyServices) {
        for (const method of service.methods.filter((m) => methodAccess(m).kind === 'scoped')) {
          // B's ids everywhere, then (where the call names more than the workspace) B's ids under A's own workspace.
          const named = method.input.fields.filter((field) => field.name in idsOfB).map((field) => field.name);
          const variants = [idsOfB];
          if (named.some((name) => name !== 'workspace_id')) variants.push({ ...idsOfB, workspace_id: a.workspaceId });
          for (const ids of variants) {
            // NOT_FOUND, never "forbidden" (which would confirm B's ids exist). Erasure RPCs refuse
            // every service account before any lookup, whatever the ids: that reveals nothing either.
            await expect(call(service, method, requestFor(method, ids), bearer(secret)), `${service.name}.${method.name}`).rejects.toSatisfy(
              (error: { code: string; message: string }) =>
                /not_found$/.test(error.code) || (error.code === 'permission_denied' && /not service accounts/.test(error.message)),
            );
            tried.push(`${service.typeName}.${method.name}`);
          }
        }
      }
      expect(new Set(tried).size).toBeGreaterThanOrEqual(18);
      expect(await stateOfB()).toEqual(before);
    } finally {
      for (const { client } of clientsOfB) client.close();
    }
  });

  it('refuses a revoked service-account token once the cache bound has passed', async () => {
    expect(stack.authCacheTtlMs).toBe(authCacheTtlMs);
    const { secret, accountId, tokenId } = await serviceAccountToken(a.owner, 'ROLE_VIEWER');
    await stack.members.listMembers({ workspaceId: a.workspaceId }, withMetadata(bearer(secret))); // now cached
    const revoked = await stack.gateway.inject({
      method: 'DELETE',
      url: `/v1/service-accounts/${accountId}/tokens/${tokenId}`,
      headers: bearer(a.owner),
    });
    expect(revoked.statusCode, revoked.body).toBe(200);
    stack.advanceClock(authCacheTtlMs);
    await expect(stack.members.listMembers({ workspaceId: a.workspaceId }, withMetadata(bearer(secret)))).rejects.toMatchObject({
      code: 'unauthenticated',
    });
  });

  it('refuses workspace credentials on internal RPCs with PERMISSION_DENIED', async () => {
    const { secret } = await serviceAccountToken(a.owner, 'ROLE_OWNER');
    const { assertion } = await stack.auth.authenticate({ token: a.owner });
    const request = { name: 'Sneaky', slug: 'sneaky', seats: 1, ownerEmail: 'x@sneaky.example' };
    const before = await counterValue('causeloop_auth_calls_denied_total', { reason: 'internal_only' });
    for (const metadata of [bearer(secret), bearer(a.owner), { [principalAssertionHeader]: assertion }]) {
      await expect(stack.provisioning.createOrganization(request, withMetadata(metadata))).rejects.toMatchObject({ code: 'permission_denied' });
    }
    expect(await counterValue('causeloop_auth_calls_denied_total', { reason: 'internal_only' })).toBe(before + 3);
    // Auth's own internal RPC, on the real auth process: a customer token in metadata is refused too.
    await expect(stack.auth.authenticate({ token: secret }, withMetadata(bearer(secret)))).rejects.toMatchObject({ code: 'permission_denied' });
    expect(await stack.asAdmin(`select 1 from organizations where slug = 'sneaky'`)).toEqual([]);
  });
});

/** A request naming the given ids, with real enum values so it passes field validation and reaches its lookup. */
function requestFor(method: DescMethod, ids: Readonly<Record<string, string>>): Record<string, unknown> {
  const request: Record<string, unknown> = {};
  for (const field of method.input.fields) {
    const id = ids[field.name];
    if (field.fieldKind === 'scalar' && id !== undefined) request[field.localName] = field.scalar === ScalarType.STRING ? id : Number(id);
    else if (field.fieldKind === 'enum') request[field.localName] = field.enum.values.find((value) => value.number !== 0)?.number;
    // Required by the proto's rules, so the call is valid and reaches its lookup.
    else if (field.name === 'email') request[field.localName] = 'someone@direct-b.example';
  }
  return request;
}
