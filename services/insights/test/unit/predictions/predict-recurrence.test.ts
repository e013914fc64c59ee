import { describe, expect, it } from 'vitest';
import {
  advance,
  createRecurrenceState,
  defaultRecurrenceParams,
  featuresHash,
  forecastRecurrence,
  predictRecurrence,
  recurrenceModelVersion,
  stateFromEvents,
} from '../../../src/predictions/index.js';

const day = 86_400_000;
const since = Date.UTC(2025, 0, 1);
const state = stateFromEvents([since + 3 * day, since + 20 * day, since + 41 * day], { since, at: since + 41 * day });
const issuedAt = since + 50 * day;

describe('predictRecurrence', () => {
  it('gives the forecast at issue time, the window and the impact', () => {
    const prediction = predictRecurrence({ state, issuedAt, windowDays: 7, severity: 2 });
    const forecast = forecastRecurrence(state, issuedAt, 7);
    expect(prediction).toMatchObject({
      modelVersion: recurrenceModelVersion,
      issuedAt,
      windowStart: issuedAt,
      windowEnd: issuedAt + 7 * day,
      probability: forecast.probability,
      expectedCount: forecast.expectedCount,
      impact: 4 * forecast.expectedCount,
    });
  });

  it('records features a reader can recompute it from, under their hash', () => {
    const prediction = predictRecurrence({ state, issuedAt, windowDays: 14, severity: 3 });
    expect(prediction.featuresHash).toBe(featuresHash(prediction.features));
    const { features } = prediction;
    expect(features.state).toEqual(advance(state, issuedAt));
    expect(features.params).toEqual(defaultRecurrenceParams);
    expect(forecastRecurrence(features.state, features.state.at, features.windowDays, features.params).probability).toBe(prediction.probability);
  });

  it('hashes the same inputs the same and any changed input differently', () => {
    const base = { state, issuedAt, windowDays: 7, severity: 2 } as const;
    const hash = predictRecurrence(base).featuresHash;
    expect(predictRecurrence({ ...base, state: { ...state } }).featuresHash).toBe(hash);
    const changed = [
      predictRecurrence({ ...base, windowDays: 14 }),
      predictRecurrence({ ...base, severity: 1 }),
      predictRecurrence({ ...base, issuedAt: issuedAt + 1 }),
      predictRecurrence({ ...base, windowStart: issuedAt + day }),
      predictRecurrence({ ...base, state: { ...state, count: state.count + 1e-9 } }),
      predictRecurrence({ ...base, params: { ...defaultRecurrenceParams, halfLifeDays: 29 } }),
    ].map((prediction) => prediction.featuresHash);
    expect(new Set([hash, ...changed]).size).toBe(changed.length + 1);
  });

  it('keeps the forecast for a window that starts later, and refuses one that starts before issue', () => {
    const later = predictRecurrence({ state, issuedAt, windowStart: issuedAt + 3 * day, windowDays: 30, severity: 4 });
    expect(later.windowEnd).toBe(issuedAt + 33 * day);
    expect(later.probability).toBe(predictRecurrence({ state, issuedAt, windowDays: 30, severity: 4 }).probability);
    expect(() => predictRecurrence({ state, issuedAt, windowStart: issuedAt - 1, windowDays: 7, severity: 4 })).toThrow(RangeError);
    expect(() => predictRecurrence({ state: createRecurrenceState(issuedAt + 1), issuedAt, windowDays: 7, severity: 4 })).toThrow(RangeError);
  });
});
