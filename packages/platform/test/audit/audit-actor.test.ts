import { create } from '@bufbuild/protobuf';
import { PrincipalSchema, TokenKind } from '@causeloop/proto/causeloop/common/v1/principal_pb.js';
import { describe, expect, it } from 'vitest';
import { auditActor } from '../../src/audit/audit-actor.js';

const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
const principal = (tokenKind: TokenKind, displayName = '') =>
  create(PrincipalSchema, { subjectId: '0190a1b2-c3d4-7e5f-8a6b-7c8d9e0f1a2d', tokenKind, displayName });

describe('auditActor', () => {
  it('names a person by their principal, with the call’s trace', () => {
    expect(auditActor({ traceId, principal: principal(TokenKind.ACCESS, 'Olive Owner') })).toEqual({
      actorId: '0190a1b2-c3d4-7e5f-8a6b-7c8d9e0f1a2d',
      actorName: 'Olive Owner',
      actorKind: 'user',
      traceId,
    });
    const unnamed = auditActor({ traceId, principal: principal(TokenKind.PERSONAL_ACCESS) });
    expect(unnamed).toMatchObject({ actorKind: 'user', actorName: undefined });
  });

  it('tells a service account from a person', () => {
    expect(auditActor({ traceId, principal: principal(TokenKind.SERVICE_ACCOUNT, 'ci-bot') })).toMatchObject({
      actorKind: 'service_account',
      actorName: 'ci-bot',
    });
  });

  it('names an actor that is no principal: an operator, the system', () => {
    expect(auditActor({ traceId }, { kind: 'system', name: 'retention purge' })).toEqual({
      actorId: undefined,
      actorName: 'retention purge',
      actorKind: 'system',
      traceId,
    });
  });
});
