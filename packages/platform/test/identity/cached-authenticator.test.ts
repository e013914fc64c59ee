import { create } from '@bufbuild/protobuf';
import { timestampFromMs } from '@bufbuild/protobuf/wkt';
import { CauseloopError } from '../../src/errors/causeloop-error.js';
import { PrincipalSchema } from '@causeloop/proto/causeloop/common/v1/principal_pb.js';
import { describe, expect, it } from 'vitest';
import { createCachedAuthenticator, type Authentication } from '../../src/identity/create-cached-authenticator.js';

// White-box: the clock-dependent bounds, with a fake clock (the behaviour through the
// real auth service is in authentication.test.ts).
function assertionExpiring(atMs: number): string {
  const part = (value: object): string => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part({ alg: 'EdDSA' })}.${part({ exp: Math.floor(atMs / 1000) })}.sig`;
}

function setup(principalExpiresAtMs: number, assertionExpiresAtMs: number) {
  let now = 1_000_000_000_000;
  let calls = 0;
  let answer: () => Promise<Authentication> = async () => ({
    principal: create(PrincipalSchema, { subjectId: 'u', expiresAt: timestampFromMs(now + principalExpiresAtMs) }),
    assertion: assertionExpiring(now + assertionExpiresAtMs),
  });
  const authenticator = createCachedAuthenticator({
    now: () => now,
    authenticate: () => {
      calls++;
      return answer();
    },
  });
  return {
    authenticator,
    calls: () => calls,
    advance: (ms: number) => void (now += ms),
    setAnswer: (next: () => Promise<Authentication>) => void (answer = next),
  };
}

describe('createCachedAuthenticator', () => {
  it('keeps an answer at most 30 s', async () => {
    const t = setup(3_600_000, 3_600_000);
    await t.authenticator.authenticate('a');
    t.advance(29_999);
    await t.authenticator.authenticate('a');
    expect(t.calls()).toBe(1);
    t.advance(2);
    await t.authenticator.authenticate('a');
    expect(t.calls()).toBe(2);
  });

  it('never past the principal expiry', async () => {
    const t = setup(5_000, 3_600_000);
    await t.authenticator.authenticate('a');
    t.advance(5_001);
    await t.authenticator.authenticate('a');
    expect(t.calls()).toBe(2);
  });

  it('never so long that the forwarded assertion would expire in flight (10 s margin)', async () => {
    const t = setup(3_600_000, 25_000);
    await t.authenticator.authenticate('a');
    t.advance(15_001);
    await t.authenticator.authenticate('a');
    expect(t.calls()).toBe(2);
  });

  it('caches refusals 5 s, but not outages', async () => {
    const t = setup(3_600_000, 3_600_000);
    t.setAnswer(() => Promise.reject(new CauseloopError('unauthenticated', 'no')));
    await expect(t.authenticator.authenticate('bad')).rejects.toMatchObject({ code: 'unauthenticated' });
    await expect(t.authenticator.authenticate('bad')).rejects.toMatchObject({ code: 'unauthenticated' });
    expect(t.calls()).toBe(1);
    t.advance(5_001);
    t.setAnswer(() => Promise.reject(new CauseloopError('unavailable', 'down')));
    await expect(t.authenticator.authenticate('bad')).rejects.toMatchObject({ code: 'unavailable' });
    await expect(t.authenticator.authenticate('bad')).rejects.toMatchObject({ code: 'unavailable' });
    expect(t.calls()).toBe(3);
  });

  it('shares one call between concurrent requests with one token (single flight)', async () => {
    const t = setup(3_600_000, 3_600_000);
    await Promise.all([t.authenticator.authenticate('a'), t.authenticator.authenticate('a'), t.authenticator.authenticate('a')]);
    await t.authenticator.authenticate('b');
    expect(t.calls()).toBe(2);
  });
});
