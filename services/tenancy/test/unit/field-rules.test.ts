import { create } from '@bufbuild/protobuf';
import { createRequestValidator } from '@causeloop/platform/validation';
import { UpdateWorkspaceRequestSchema } from '@causeloop/proto/causeloop/tenancy/v1/workspaces_pb.js';
import { describe, expect, it } from 'vitest';
import { generateInvitationToken, invitationTokenWorkspace } from '../../src/invitation-token.js';
import { timezoneProblem } from '../../src/time-zone.js';

describe('workspace field rules', () => {
  it('accepts IANA zones and refuses offsets, abbreviations of nothing and made-up names', () => {
    for (const zone of ['UTC', 'Europe/Berlin', 'America/Argentina/Buenos_Aires', 'Etc/GMT+5']) expect(timezoneProblem(zone), zone).toBeUndefined();
    for (const zone of ['', '+01:00', 'Mars/Olympus_Mons', 'Europe/Berlin; drop table']) expect(timezoneProblem(zone), zone).toBeDefined();
  });

  it('takes slugs of 2-63 lower-case letters, digits and single inner hyphens (the rule in the proto)', () => {
    const validator = createRequestValidator();
    const slugProblems = (slug: string) =>
      validator.violations(UpdateWorkspaceRequestSchema, create(UpdateWorkspaceRequestSchema, { workspaceId: '0190a1b2-c3d4-7e5f-8a6b-7c8d9e0f1a2b', slug }));
    for (const slug of ['ab', 'acme-corp', 'a1', 'x'.repeat(63)]) expect(slugProblems(slug), slug).toEqual([]);
    for (const slug of ['a', '-ab', 'ab-', 'a--b', 'Acme', 'a_b', 'x'.repeat(64)]) {
      expect(slugProblems(slug).map((violation) => violation.field), slug).toContain('slug');
    }
  });
});

describe('invitation tokens', () => {
  it('carry their workspace, and a changed shape names none', () => {
    const workspaceId = '0190a1b2-c3d4-7e5f-8a6b-7c8d9e0f1a2b';
    const token = generateInvitationToken(workspaceId);
    expect(invitationTokenWorkspace(token)).toBe(workspaceId);
    expect(invitationTokenWorkspace(token.slice(0, -1))).toBeUndefined();
    expect(invitationTokenWorkspace(`${token}x`)).toBeUndefined();
    expect(invitationTokenWorkspace(token.replace('clp_inv_', 'clp_pat_'))).toBeUndefined();
  });
});
