import { describe, expect, it } from 'vitest';
import { minimumScoredPredictions, scorePredictions } from '../../../src/predictions/index.js';
import type { PredictionOutcome, ScorablePrediction, ScoredAccuracy } from '../../../src/predictions/index.js';

function rows(count: number, probability: number, outcome: PredictionOutcome | null): ScorablePrediction[] {
  return Array.from({ length: count }, () => ({ probability, outcome }));
}

function scored(predictions: readonly ScorablePrediction[]): ScoredAccuracy {
  const accuracy = scorePredictions(predictions);
  if (accuracy.status !== 'scored') throw new Error(`withheld: ${accuracy.reason}`);
  return accuracy;
}

describe('scorePredictions', () => {
  it('scores a calibrated set by hand', () => {
    // 20 at 0.8 (16 hits), 30 at 0.2 (6 hits), plus rows it must leave out.
    const accuracy = scored([
      ...rows(16, 0.8, 'hit'),
      ...rows(4, 0.8, 'miss'),
      ...rows(6, 0.2, 'hit'),
      ...rows(24, 0.2, 'miss'),
      ...rows(5, 0.9, 'void'),
      ...rows(3, 0.9, null),
    ]);
    expect(accuracy).toMatchObject({ scored: 50, hits: 22, voided: 5 });
    // BS = (16·0.04 + 4·0.64 + 6·0.64 + 24·0.04) / 50 = 8 / 50.
    expect(accuracy.brierScore).toBeCloseTo(0.16, 12);
    expect(accuracy.climatology).toBeCloseTo(0.44, 12);
    expect(accuracy.climatologyBrierScore).toBeCloseTo(0.44 * 0.56, 12);
    // 1 − 0.16 / 0.2464 = 27/77.
    expect(accuracy.brierSkillScore).toBeCloseTo(27 / 77, 12);
    expect(accuracy.expectedCalibrationError).toBeCloseTo(0, 12);
    expect(accuracy.reliability).toHaveLength(10);
    expect(accuracy.reliability[2]).toEqual({ lower: 0.2, upper: 0.3, count: 30, meanForecast: expect.closeTo(0.2, 12), observedFrequency: 0.2 });
    expect(accuracy.reliability[8]).toEqual({ lower: 0.8, upper: 0.9, count: 20, meanForecast: expect.closeTo(0.8, 12), observedFrequency: 0.8 });
    expect(accuracy.reliability[0]).toEqual({ lower: 0, upper: 0.1, count: 0, meanForecast: null, observedFrequency: null });
  });

  it('scores a miscalibrated set by hand', () => {
    // 20 at 0.8 with 12 hits (observed 0.6), 30 at 0.2 with 9 hits (observed 0.3).
    const accuracy = scored([...rows(12, 0.8, 'hit'), ...rows(8, 0.8, 'miss'), ...rows(9, 0.2, 'hit'), ...rows(21, 0.2, 'miss')]);
    // BS = (12·0.04 + 8·0.64 + 9·0.64 + 21·0.04) / 50 = 12.2 / 50; p̄ = 21/50.
    expect(accuracy.brierScore).toBeCloseTo(0.244, 12);
    expect(accuracy.climatology).toBeCloseTo(0.42, 12);
    // Worse than the base rate: 1 − 0.244 / 0.2436 = −1/609.
    expect(accuracy.brierSkillScore).toBeCloseTo(-1 / 609, 12);
    // (20/50)·|0.6 − 0.8| + (30/50)·|0.3 − 0.2|.
    expect(accuracy.expectedCalibrationError).toBeCloseTo(0.14, 12);
    expect(accuracy.reliability[8]).toMatchObject({ count: 20, observedFrequency: 0.6 });
    expect(accuracy.reliability[2]).toMatchObject({ count: 30, observedFrequency: 0.3 });
  });

  it('averages forecasts within a bin and puts edges in the upper bin, 1 in the last', () => {
    const accuracy = scored([
      ...rows(10, 0.1, 'hit'),
      ...rows(10, 0.15, 'miss'),
      ...rows(10, 0.3, 'miss'),
      ...rows(10, 0.7, 'hit'),
      ...rows(5, 0, 'miss'),
      ...rows(5, 1, 'hit'),
    ]);
    expect(accuracy.reliability.map((bin) => bin.count)).toEqual([5, 20, 0, 10, 0, 0, 0, 10, 0, 5]);
    expect(accuracy.reliability[1]!.meanForecast).toBeCloseTo(0.125, 12);
    expect(accuracy.reliability[1]!.observedFrequency).toBe(0.5);
    // Σ |hits − Σp| / N over bins: |0 − 0| + |10 − 2.5| + |0 − 3| + |10 − 7| + |5 − 5|, over 50.
    expect(accuracy.expectedCalibrationError).toBeCloseTo(13.5 / 50, 12);
    // BS = (10·0.81 + 10·0.0225 + 10·0.09 + 10·0.09) / 50.
    expect(accuracy.brierScore).toBeCloseTo(10.125 / 50, 12);
  });

  it('withholds the figures below 50 scored predictions, whatever else there is', () => {
    const few = [...rows(25, 0.6, 'hit'), ...rows(24, 0.6, 'miss'), ...rows(40, 0.6, 'void'), ...rows(40, 0.6, null)];
    const accuracy = scorePredictions(few);
    expect(minimumScoredPredictions).toBe(50);
    expect(accuracy).toEqual({ status: 'withheld', scored: 49, minimumScored: 50, reason: expect.stringContaining('49 scored predictions') });
    expect(scorePredictions([]).status).toBe('withheld');
    expect(scorePredictions([...few, { probability: 0.6, outcome: 'miss' }]).status).toBe('scored');
  });

  it('has no skill score when every outcome is the same, since the base rate is then perfect', () => {
    const accuracy = scored(rows(60, 0.3, 'miss'));
    expect(accuracy.climatologyBrierScore).toBe(0);
    expect(accuracy.brierSkillScore).toBeNull();
    expect(accuracy.brierScore).toBeCloseTo(0.09, 12);
  });

  it('refuses a probability outside [0, 1]', () => {
    for (const probability of [-0.01, 1.01, Number.NaN]) expect(() => scorePredictions([{ probability, outcome: 'hit' }])).toThrow(RangeError);
  });
});
