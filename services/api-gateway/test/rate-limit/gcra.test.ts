import { describe, expect, it } from 'vitest';
import { createMemoryRateLimiter } from '../../src/rate-limit/index.js';

function manualClock(): { clock: () => number; advance: (ms: number) => void } {
  let now = 1_000_000;
  return { clock: () => now, advance: (ms) => (now += ms) };
}

describe('memory GCRA limiter', () => {
  const policy = { name: 'default', limit: 10, windowSeconds: 60 };

  it('allows exactly `limit` in a burst, then denies with the time to the next token', () => {
    const { clock } = manualClock();
    const limiter = createMemoryRateLimiter({ clock });
    const remaining = Array.from({ length: 10 }, () => limiter.take('a', policy)).map((d) => (d.allowed ? d.remaining : -1));
    expect(remaining).toEqual([9, 8, 7, 6, 5, 4, 3, 2, 1, 0]);
    expect(limiter.take('a', policy)).toEqual({ allowed: false, remaining: 0, resetSeconds: 60, retryAfterSeconds: 6 });
  });

  it('refills one token per window/limit, and fully after a window', () => {
    const { clock, advance } = manualClock();
    const limiter = createMemoryRateLimiter({ clock });
    for (let i = 0; i < 10; i += 1) limiter.take('a', policy);
    advance(5_999);
    expect(limiter.take('a', policy)).toMatchObject({ allowed: false, retryAfterSeconds: 1 });
    advance(1);
    expect(limiter.take('a', policy)).toMatchObject({ allowed: true, remaining: 0, resetSeconds: 60 });
    expect(limiter.take('a', policy).allowed).toBe(false);
    advance(60_000);
    expect(limiter.take('a', policy)).toMatchObject({ allowed: true, remaining: 9, resetSeconds: 6 });
  });

  it('denied requests do not push recovery further out', () => {
    const { clock, advance } = manualClock();
    const limiter = createMemoryRateLimiter({ clock });
    for (let i = 0; i < 10; i += 1) limiter.take('a', policy);
    for (let i = 0; i < 100; i += 1) expect(limiter.take('a', policy).allowed).toBe(false);
    advance(6_000);
    expect(limiter.take('a', policy).allowed).toBe(true);
  });

  it('is exact when window/limit is not a whole number of milliseconds', () => {
    const { clock } = manualClock();
    const limiter = createMemoryRateLimiter({ clock });
    const odd = { name: 'odd', limit: 7, windowSeconds: 60 };
    const allowed = Array.from({ length: 8 }, () => limiter.take('a', odd).allowed);
    expect(allowed).toEqual([true, true, true, true, true, true, true, false]);
  });

  it('keeps keys and policies apart', () => {
    const { clock } = manualClock();
    const limiter = createMemoryRateLimiter({ clock });
    const one = { name: 'one', limit: 1, windowSeconds: 60 };
    expect(limiter.take('a', one).allowed).toBe(true);
    expect(limiter.take('a', one).allowed).toBe(false);
    expect(limiter.take('b', one).allowed).toBe(true);
    expect(limiter.take('a', { name: 'other', limit: 1, windowSeconds: 60 }).allowed).toBe(true);
  });

  it('forgets a key once its bucket is full again', () => {
    const { clock, advance } = manualClock();
    const limiter = createMemoryRateLimiter({ clock });
    limiter.take('a', policy);
    expect(limiter.size()).toBe(1);
    advance(6_000); // one request's token is back: the bucket is full
    limiter.take('b', policy);
    expect(limiter.size()).toBe(1);
  });

  it('stays within maxKeys under 100k distinct keys', () => {
    const { clock } = manualClock();
    const limiter = createMemoryRateLimiter({ clock, maxKeys: 1_000 });
    for (let i = 0; i < 100_000; i += 1) limiter.take(`client-${i}`, policy);
    expect(limiter.size()).toBe(1_000);
    // The newest keys are the ones kept.
    expect(limiter.take('client-99999', policy).remaining).toBe(8);
  });

  it('sheds expired keys as traffic flows, without relying on maxKeys', () => {
    const { clock, advance } = manualClock();
    const limiter = createMemoryRateLimiter({ clock });
    const perSecond = { name: 'fast', limit: 1, windowSeconds: 1 };
    for (let i = 0; i < 100_000; i += 1) {
      limiter.take(`client-${i}`, perSecond);
      advance(1);
    }
    // Only keys touched in the last second still hold state.
    expect(limiter.size()).toBeLessThanOrEqual(1_001);
  });

  it('refuses invalid policies and options', () => {
    const limiter = createMemoryRateLimiter();
    expect(() => limiter.take('a', { name: 'x', limit: 0, windowSeconds: 60 })).toThrow(/limit must be a positive integer/);
    expect(() => limiter.take('a', { name: 'x', limit: 1, windowSeconds: 0.5 })).toThrow(/windowSeconds/);
    expect(() => limiter.take('a', { name: '', limit: 1, windowSeconds: 1 })).toThrow(/name/);
    expect(() => createMemoryRateLimiter({ maxKeys: 0 })).toThrow(/maxKeys/);
  });
});
