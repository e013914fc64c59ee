import { create } from '@bufbuild/protobuf';
import { PrincipalSchema } from '@causeloop/proto/causeloop/common/v1/principal_pb.js';
import { describe, expect, it } from 'vitest';
import { ownWorkspace } from '../../src/identity/own-workspace.js';

const own = '0190a1b2-c3d4-7e5f-8a6b-7c8d9e0f1a2b';
const other = '0190a1b2-c3d4-7e5f-8a6b-7c8d9e0f1a2c';
const principal = create(PrincipalSchema, { subjectId: '0190a1b2-c3d4-7e5f-8a6b-7c8d9e0f1a2d', workspaceId: own });

describe('ownWorkspace', () => {
  it('accepts the caller’s own workspace however its UUID is spelt, and answers the canonical id', () => {
    expect(ownWorkspace(principal, own)).toBe(own);
    expect(ownWorkspace(principal, own.toUpperCase())).toBe(own);
    expect(ownWorkspace(principal, '0190A1B2-c3d4-7E5F-8a6b-7C8D9E0F1A2B')).toBe(own);
  });

  it('answers not_found for another workspace, in any spelling, as for one that does not exist', () => {
    for (const requested of [other, other.toUpperCase(), 'not-a-uuid', '', `${own} `]) {
      expect(() => ownWorkspace(principal, requested), requested).toThrow(
        expect.objectContaining({ code: 'not_found', message: 'workspace not found' }),
      );
    }
  });

  it('refuses everything for a principal whose own workspace is not a UUID', () => {
    const broken = create(PrincipalSchema, { workspaceId: 'oops' });
    expect(() => ownWorkspace(broken, 'oops')).toThrow(expect.objectContaining({ code: 'not_found' }));
  });
});
