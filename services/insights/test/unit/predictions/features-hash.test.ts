import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { canonicalJson, featuresHash } from '../../../src/predictions/index.js';

describe('featuresHash', () => {
  it('is sha256 hex of the canonical JSON, keys sorted at every depth', () => {
    const canonical = '{"a":[true,null,"x",{"c":1,"d":2}],"b":1.5}';
    expect(canonicalJson({ b: 1.5, a: [true, null, 'x', { d: 2, c: 1 }] })).toBe(canonical);
    expect(featuresHash({ b: 1.5, a: [true, null, 'x', { d: 2, c: 1 }] })).toBe(createHash('sha256').update(canonical).digest('hex'));
    expect(featuresHash({ a: 1 })).toMatch(/^[0-9a-f]{64}$/);
  });

  it('ignores key order and undefined members, and tells other values apart', () => {
    expect(featuresHash({ x: 1, y: { p: 'q', r: null } })).toBe(featuresHash({ y: { r: null, p: 'q' }, x: 1, z: undefined }));
    const distinct = [{ x: 1 }, { x: 1.0000000001 }, { x: '1' }, { x: [1] }, { x: null }, {}, { y: 1 }, [1], 1, '1'].map(featuresHash);
    expect(new Set(distinct).size).toBe(distinct.length);
  });

  it('writes numbers the same way whatever their spelling, and refuses what JSON cannot hold', () => {
    expect(canonicalJson([1e21, 0.1 + 0.2, -0, 1_000])).toBe('[1e+21,0.30000000000000004,0,1000]');
    expect(() => featuresHash({ x: Number.NaN })).toThrow(RangeError);
    expect(() => featuresHash([Number.POSITIVE_INFINITY])).toThrow(RangeError);
  });

  it('escapes keys and strings as JSON does', () => {
    expect(canonicalJson({ 'é"\n': 'a\u0000b' })).toBe('{"é\\"\\n":"a\\u0000b"}');
  });
});
