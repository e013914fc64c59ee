import { describe, expect, it } from 'vitest';
import { expectedImpact, severityWeight } from '../../../src/predictions/index.js';
import type { Severity } from '../../../src/predictions/index.js';

describe('impact', () => {
  it('doubles with each severity level, p4 = 1', () => {
    expect(([1, 2, 3, 4] as const).map(severityWeight)).toEqual([8, 4, 2, 1]);
  });

  it('is the weight times the expected recurrences', () => {
    expect(expectedImpact(1, 0.5)).toBe(4);
    expect(expectedImpact(4, 3)).toBe(3);
    expect(expectedImpact(2, 0)).toBe(0);
  });

  it('refuses a severity outside p1..p4 and a negative count', () => {
    expect(() => severityWeight(0 as Severity)).toThrow(RangeError);
    expect(() => severityWeight(5 as Severity)).toThrow(RangeError);
    expect(() => expectedImpact(3, -1)).toThrow(RangeError);
  });
});
