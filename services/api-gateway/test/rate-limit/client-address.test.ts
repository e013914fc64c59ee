import { isCauseloopError } from '@causeloop/platform/errors';
import { describe, expect, it } from 'vitest';
import { createClientAddressResolver } from '../../src/rate-limit/index.js';

describe('client address resolver', () => {
  it('ignores X-Forwarded-For when no proxy is trusted', () => {
    const resolve = createClientAddressResolver({ trustedProxies: [] });
    expect(resolve('198.51.100.9', '203.0.113.1')).toBe('198.51.100.9');
  });

  it('ignores X-Forwarded-For from an untrusted peer', () => {
    const resolve = createClientAddressResolver({ trustedProxies: ['10.0.0.0/8'] });
    expect(resolve('198.51.100.9', '203.0.113.1, 10.0.0.1')).toBe('198.51.100.9');
  });

  it('takes the right-most untrusted hop behind trusted proxies', () => {
    const resolve = createClientAddressResolver({ trustedProxies: ['10.0.0.0/8', '192.0.2.5'] });
    // The client wrote "1.1.1.1"; the load balancer appended the real peer, then an inner proxy.
    expect(resolve('10.0.0.1', '1.1.1.1, 203.0.113.7, 192.0.2.5')).toBe('203.0.113.7');
    expect(resolve('10.0.0.1', ' 203.0.113.7 ')).toBe('203.0.113.7');
    expect(resolve('10.0.0.1', undefined)).toBe('10.0.0.1');
  });

  it('uses the left-most hop when every hop is trusted', () => {
    const resolve = createClientAddressResolver({ trustedProxies: ['10.0.0.0/8'] });
    expect(resolve('10.0.0.1', '10.1.1.1, 10.2.2.2')).toBe('10.1.1.1');
  });

  it('falls back to the trusted proxy when it forwarded garbage', () => {
    const resolve = createClientAddressResolver({ trustedProxies: ['10.0.0.0/8'] });
    expect(resolve('10.0.0.1', 'unknown')).toBe('10.0.0.1');
    expect(resolve('10.0.0.1', '203.0.113.7, ')).toBe('10.0.0.1');
  });

  it('normalises IPv4-mapped IPv6, ports, brackets and zones', () => {
    const resolve = createClientAddressResolver({ trustedProxies: ['10.0.0.0/8'] });
    expect(resolve('::ffff:198.51.100.9', undefined)).toBe('198.51.100.9');
    expect(resolve('::ffff:c633:6409', undefined)).toBe('198.51.100.9');
    expect(resolve('::ffff:10.0.0.1', '203.0.113.7:4711')).toBe('203.0.113.7');
    expect(resolve('10.0.0.1', '[2001:db8::1]:443')).toBe('2001:db8:0:0::/64');
    expect(resolve('fe80::1%eth0', undefined)).toBe('fe80:0:0:0::/64');
  });

  it('groups IPv6 clients by /64', () => {
    const resolve = createClientAddressResolver({ trustedProxies: [] });
    expect(resolve('2001:db8:aa:1::1', undefined)).toBe('2001:db8:aa:1::/64');
    expect(resolve('2001:0db8:00aa:0001:ffff:ffff:ffff:ffff', undefined)).toBe('2001:db8:aa:1::/64');
    expect(resolve('2001:db8:aa:2::1', undefined)).toBe('2001:db8:aa:2::/64');
  });

  it('trusts IPv6 proxy ranges and IPv4-mapped ranges', () => {
    const resolve = createClientAddressResolver({ trustedProxies: ['fd00::/8', '::ffff:172.16.0.0/108'] });
    expect(resolve('fd00::7', '203.0.113.7')).toBe('203.0.113.7');
    expect(resolve('172.16.3.4', '203.0.113.8')).toBe('203.0.113.8');
  });

  it('puts peers without a readable address in one shared bucket', () => {
    const resolve = createClientAddressResolver({ trustedProxies: [] });
    expect(resolve('', undefined)).toBe('unknown');
  });

  it.each(['10.0.0.0/33', '::/129', 'proxy.internal', '10.0.0.0/8/1', '10.0.0.0/', '10.0.0.0/x8', '', '10.0.0.0/-1'])(
    'refuses the malformed CIDR %j',
    (cidr) => {
      let thrown: unknown;
      try {
        createClientAddressResolver({ trustedProxies: ['10.0.0.0/8', cidr] });
      } catch (error) {
        thrown = error;
      }
      expect(isCauseloopError(thrown) && thrown.code).toBe('config_invalid');
      expect((thrown as Error).message).toContain(`trusted proxy ${JSON.stringify(cidr)} is not a valid CIDR`);
    },
  );
});
