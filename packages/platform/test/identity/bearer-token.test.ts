import { describe, expect, it } from 'vitest';
import { bearerToken } from '../../src/identity/bearer-token.js';

// The gateway (HTTP header) and every gRPC service (metadata) read the caller's token
// through this one helper, so a header one of them accepts is accepted by all.
describe('bearerToken', () => {
  it('reads the token of a Bearer value, the scheme in any case and surrounding space ignored', () => {
    expect(bearerToken('Bearer clp_sa_abc')).toBe('clp_sa_abc');
    expect(bearerToken('bearer   clp_pat_abc')).toBe('clp_pat_abc');
    expect(bearerToken('  BEARER eyJ.a.b  ')).toBe('eyJ.a.b');
  });

  it('finds no token in another scheme, a bare token, two tokens or a missing or binary value', () => {
    for (const value of ['Basic dXNlcjpwdw==', 'clp_sa_abc', 'Bearer', 'Bearer ', 'Bearer a b', 'Bearer\tabc', undefined, Buffer.from('Bearer x')]) {
      expect(bearerToken(value)).toBeUndefined();
    }
  });
});
