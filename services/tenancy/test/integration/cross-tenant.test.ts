import { getOption, hasOption, type DescMethod } from '@bufbuild/protobuf';
import type { Gateway } from '@causeloop/platform/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { http } from '@causeloop/proto/causeloop/common/v1/http_pb.js';
import { acceptThroughGateway, bearer, publicTenancyServices, signIn, startTenancyStack, type TenancyStack } from '../support/tenancy-stack.js';

let stack: TenancyStack;
beforeAll(async () => {
  stack = await startTenancyStack();
});
afterAll(async () => {
  await stack?.close();
});

/**
 * Every scoped tenancy route the gateway serves, straight from the descriptors of every
 * public tenancy service (one list, checked against the protos by public-services.test.ts):
 * a new RPC with a rule, or a new service, is covered.
 */
const routes = publicTenancyServices.flatMap((service) =>
  service.methods
    .filter((method) => hasOption(method, http) && getOption(method, http).scope !== '')
    .map((method) => ({ method, rule: getOption(method, http) })),
);

/**
 * A body that passes field validation, so a route reaches its lookup: enums get their first
 * real value, an email field an address, and a field naming one of B's ids (e.g.
 * `subject_id`) gets it.
 */
function bodyFor(method: DescMethod, pathFields: readonly string[], ids: Readonly<Record<string, string>>): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const field of method.input.fields) {
    if (pathFields.includes(field.name)) continue;
    if (field.name in ids) body[field.name] = ids[field.name];
    else if (field.fieldKind === 'enum') body[field.name] = field.enum.values.find((value) => value.number !== 0)?.name;
    else if (field.name === 'email') body[field.name] = 'someone@cross-tenant.example';
  }
  return body;
}

async function post<T>(gateway: Gateway, token: string, url: string, payload: object): Promise<T> {
  const response = await gateway.inject({ method: 'POST', url, headers: bearer(token), payload });
  expect(response.statusCode, `POST ${url}: ${response.body}`).toBe(200);
  return response.json();
}

/** Everything of workspace B a cross-tenant call could change, read as the superuser. */
const snapshotOf = (workspaceId: string) =>
  stack.asAdmin(
    `select (select to_jsonb(w) from workspaces w where w.id = $1) as workspace,
            (select jsonb_agg(to_jsonb(m) order by m.user_id) from workspace_members m where m.workspace_id = $1) as members,
            (select jsonb_agg(to_jsonb(i) order by i.id) from invitations i where i.workspace_id = $1) as invitations,
            (select jsonb_agg(to_jsonb(j) order by j.id) from export_jobs j where j.workspace_id = $1) as export_jobs,
            (select jsonb_agg(to_jsonb(e) order by e.id) from erasure_requests e where e.workspace_id = $1) as erasure_requests,
            (select count(*) from audit_log a where a.workspace_id = $1) as audit_entries`,
    [workspaceId],
  );

describe('tenant isolation on every tenancy route', () => {
  it('gives a member of workspace A 404 for every id of workspace B, and leaves B untouched', async () => {
    const { gateway } = stack;
    const a = await stack.provision({ slug: 'tenant-a', ownerEmail: 'owner@tenant-a.example' });
    const b = await stack.provision({ slug: 'tenant-b', ownerEmail: 'owner@tenant-b.example' });
    await acceptThroughGateway(gateway, a.ownerInvitationToken);
    await acceptThroughGateway(gateway, b.ownerInvitationToken);
    const ownerA = await signIn(gateway, 'owner@tenant-a.example'); // an owner holds every scope
    const ownerB = await signIn(gateway, 'owner@tenant-b.example');
    const workspaceB = `/v1/workspaces/${b.workspace!.id}`;

    // B gets one of everything a tenancy path can name: a member, an export job, an erasure request.
    const invited = await post<{ token: string }>(gateway, ownerB, `${workspaceB}/invitations`, {
      email: 'sam@tenant-b.example',
      role: 'ROLE_VIEWER',
    });
    const accepted = JSON.parse((await acceptThroughGateway(gateway, invited.token)).body) as { member: { user_id: string } };
    const job = await post<{ job: { id: string } }>(gateway, ownerB, `${workspaceB}/exports`, {});
    const erasure = await post<{ request: { id: string } }>(gateway, ownerB, `${workspaceB}/erasure-requests`, {
      subject_id: accepted.member.user_id,
    });
    const idsOfB: Record<string, string> = {
      workspace_id: b.workspace!.id,
      user_id: accepted.member.user_id,
      subject_id: accepted.member.user_id,
      job_id: job.job.id,
      part: '0',
      request_id: erasure.request.id,
    };
    const before = await snapshotOf(b.workspace!.id);

    const tried: string[] = [];
    for (const { method, rule } of routes) {
      const pathFields = [...rule.path.matchAll(/\{(\w+)\}/g)].map((match) => match[1]!);
      for (const field of pathFields) expect(idsOfB, `no id of B for {${field}} in ${rule.path}`).toHaveProperty(field);
      const bodyIdFields =
        rule.body === '' ? [] : method.input.fields.map((field) => field.name).filter((name) => !pathFields.includes(name) && name in idsOfB);
      // B's ids everywhere, then (where the call names more than the workspace) B's ids under A's own workspace.
      const variants = [idsOfB];
      if ([...pathFields, ...bodyIdFields].some((field) => field !== 'workspace_id')) {
        variants.push({ ...idsOfB, workspace_id: a.workspace!.id });
      }
      for (const ids of variants) {
        // A route without a body takes the same fields in its query string (an export's format).
        const query = rule.body === '' ? new URLSearchParams(bodyFor(method, pathFields, ids) as Record<string, string>).toString() : '';
        const url = rule.path.replace(/\{(\w+)\}/g, (_, field: string) => ids[field]!) + (query === '' ? '' : `?${query}`);
        const response = await gateway.inject({
          method: rule.method as 'GET',
          url,
          headers: bearer(ownerA),
          ...(rule.body === '' ? {} : { payload: bodyFor(method, pathFields, ids) }),
        });
        expect(response.statusCode, `${rule.method} ${url}: ${response.body}`).toBe(404);
        // The backend answered, not the gateway's "no route": an unfronted service would pass vacuously.
        expect((response.json() as { detail: string }).detail, `${rule.method} ${url}`).not.toMatch(/^no route for/);
        tried.push(`${rule.method} ${rule.path}`);
      }
    }
    expect(new Set(tried).size).toBe(routes.length);
    expect(routes.length).toBeGreaterThanOrEqual(18);
    expect(await snapshotOf(b.workspace!.id)).toEqual(before);
  });
});
