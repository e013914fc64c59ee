import { describe, expect, it } from 'vitest';
import {
  advance,
  createRecurrenceState,
  defaultRecurrenceParams,
  expectedRecurrences,
  forecastRecurrence,
  observe,
  ratePosterior,
  recurrenceProbability,
  stateFromEvents,
} from '../../../src/predictions/index.js';
import type { RecurrenceModelParams, RecurrenceState } from '../../../src/predictions/index.js';
import { createSeededRandom as createRandom } from '@causeloop/platform/random';

const day = 86_400_000;
const minute = 60_000;
const since = Date.UTC(2025, 0, 1);

function streamed(events: readonly number[], at: number, params: RecurrenceModelParams = defaultRecurrenceParams): RecurrenceState {
  return advance(events.reduce((state, eventAt) => observe(state, eventAt, params), createRecurrenceState(since)), at, params);
}

function expectSameState(actual: RecurrenceState, expected: RecurrenceState): void {
  expect(actual.at).toBe(expected.at);
  expect(actual.lastCountedAt).toBe(expected.lastCountedAt);
  expect(actual.count).toBeCloseTo(expected.count, 10);
  expect(actual.exposureDays).toBeCloseTo(expected.exposureDays, 10);
}

/** Sorted event times over `days`, some in bursts closer than an episode. */
function randomEvents(seed: number, days: number): number[] {
  const random = createRandom(seed);
  const events: number[] = [];
  for (let t = since + random() * 5 * day; t < since + days * day; t += random() < 0.3 ? random() * 90 * minute : random() * 20 * day) events.push(Math.round(t));
  return events;
}

describe('the O(1) update', () => {
  it('matches the batch formula after every event, with and without episodes', () => {
    for (const params of [defaultRecurrenceParams, { ...defaultRecurrenceParams, episodeMinutes: 0 }, { ...defaultRecurrenceParams, halfLifeDays: 7 }]) {
      for (const seed of [1, 2, 3]) {
        const events = randomEvents(seed, 400);
        expect(events.length).toBeGreaterThan(30);
        let state = createRecurrenceState(since);
        events.forEach((eventAt, index) => {
          state = observe(state, eventAt, params);
          expectSameState(state, stateFromEvents(events.slice(0, index + 1), { since, at: eventAt }, params));
        });
        const at = since + 500 * day;
        expectSameState(advance(state, at, params), stateFromEvents(events, { since, at }, params));
      }
    }
  });

  it('agrees with the closed forms n = Σ exp(−κ(t − tᵢ)), e = (1 − exp(−κ(t − since)))/κ', () => {
    const kappa = Math.LN2 / defaultRecurrenceParams.halfLifeDays;
    const events = [since + 2 * day, since + 10 * day, since + 10 * day + 30 * minute, since + 45 * day];
    const at = since + 60 * day;
    const state = streamed(events, at);
    // The event 30 minutes after another is in its episode.
    expect(state.count).toBeCloseTo(Math.exp(-kappa * 58) + Math.exp(-kappa * 50) + Math.exp(-kappa * 15), 12);
    expect(state.exposureDays).toBeCloseTo((1 - Math.exp(-kappa * 60)) / kappa, 12);
    expect(state.lastCountedAt).toBe(since + 45 * day);
  });

  it('counts every event when episodes are off, and all history when the half-life is infinite', () => {
    const events = [since + day, since + day + minute, since + day + 2 * minute];
    expect(streamed(events, since + 3 * day, { ...defaultRecurrenceParams, episodeMinutes: 0, halfLifeDays: Infinity })).toEqual({
      at: since + 3 * day,
      count: 3,
      exposureDays: 3,
      lastCountedAt: since + day + 2 * minute,
    });
  });

  it('advances in steps as in one go', () => {
    const state = streamed([since + day], since + 2 * day);
    const stepped = [5, 17.5, 40, 100].reduce((current, days) => advance(current, since + days * day), state);
    expectSameState(stepped, advance(state, since + 100 * day));
  });

  it('takes a late event at its decayed weight, in any arrival order when events are an episode apart', () => {
    const events = randomEvents(4, 300).filter((eventAt, index, all) => index === 0 || eventAt - all[index - 1]! >= 60 * minute);
    const shuffled = [...events].sort((a, b) => ((a * 7919) % 1009) - ((b * 7919) % 1009));
    const at = since + 320 * day;
    const late = shuffled.reduce((state, eventAt) => observe(state, eventAt), createRecurrenceState(since));
    expectSameState(advance(late, at), stateFromEvents(events, { since, at }));
  });

  it('refuses to go back in time or to count events outside the observed span', () => {
    const state = createRecurrenceState(since);
    expect(() => advance(advance(state, since + day), since)).toThrow(RangeError);
    expect(() => stateFromEvents([since - 1], { since, at: since + day })).toThrow(RangeError);
    expect(() => stateFromEvents([since + 2 * day], { since, at: since + day })).toThrow(RangeError);
    expect(() => forecastRecurrence(state, since, 0)).toThrow(RangeError);
    expect(() => forecastRecurrence(state, since, 7, { ...defaultRecurrenceParams, priorEvents: 0 })).toThrow(RangeError);
  });
});

describe('the forecast', () => {
  const windows = [1, 7, 14, 30, 90];

  it('is the prior predictive with no events: 1 − (β0/(β0 + w))^α0', () => {
    const { priorEvents, priorExposureDays } = defaultRecurrenceParams;
    for (const windowDays of windows) {
      const forecast = forecastRecurrence(createRecurrenceState(since), since, windowDays);
      expect(forecast.probability).toBeCloseTo(1 - (priorExposureDays / (priorExposureDays + windowDays)) ** priorEvents, 14);
      expect(forecast.expectedCount).toBeCloseTo((priorEvents / priorExposureDays) * windowDays, 14);
    }
    // The documented figures: 0.149, 0.226, 0.322 for 7, 14, 30 days.
    expect([7, 14, 30].map((windowDays) => forecastRecurrence(createRecurrenceState(since), since, windowDays).probability.toFixed(3))).toEqual(['0.149', '0.226', '0.322']);
  });

  it('grows with the window', () => {
    for (const state of [createRecurrenceState(since), streamed(randomEvents(5, 200), since + 200 * day), streamed([since + day], since + 90 * day)]) {
      const probabilities = windows.map((windowDays) => forecastRecurrence(state, state.at, windowDays).probability);
      for (let index = 1; index < probabilities.length; index += 1) expect(probabilities[index]!).toBeGreaterThan(probabilities[index - 1]!);
      expect(probabilities.every((probability) => probability > 0 && probability < 1)).toBe(true);
    }
  });

  it('grows with the rate of events and falls with silence', () => {
    // Events every `gap` days for 180 days: shorter gaps, higher rate, higher probability.
    const at = since + 180 * day;
    const byRate = [60, 30, 10, 3, 1].map((gap) => {
      const events = Array.from({ length: Math.floor(180 / gap) }, (_, index) => since + (index + 0.5) * gap * day);
      return forecastRecurrence(stateFromEvents(events, { since, at }), at, 7).probability;
    });
    for (let index = 1; index < byRate.length; index += 1) expect(byRate[index]!).toBeGreaterThan(byRate[index - 1]!);
    const state = streamed([since + day, since + 3 * day, since + 6 * day], since + 7 * day);
    const bySilence = [7, 30, 90, 365].map((days) => forecastRecurrence(state, since + days * day, 7).probability);
    for (let index = 1; index < bySilence.length; index += 1) expect(bySilence[index]!).toBeLessThan(bySilence[index - 1]!);
  });

  it('is monotone in the posterior: up with its shape, down with its rate', () => {
    expect(recurrenceProbability({ shape: 2, rate: 10 }, 7)).toBeGreaterThan(recurrenceProbability({ shape: 1, rate: 10 }, 7));
    expect(recurrenceProbability({ shape: 2, rate: 20 }, 7)).toBeLessThan(recurrenceProbability({ shape: 2, rate: 10 }, 7));
  });

  it('has an expected count consistent with the probability', () => {
    for (const state of [createRecurrenceState(since), streamed(randomEvents(6, 120), since + 120 * day)]) {
      const posterior = ratePosterior(state);
      for (const windowDays of windows) {
        const expected = expectedRecurrences(posterior, windowDays);
        expect(expected).toBeCloseTo((posterior.shape / posterior.rate) * windowDays, 12);
        // Linear in the window; and, the rate being uncertain, P(≥ 1) is below Poisson's 1 − e^(−mean) (Jensen).
        expect(expectedRecurrences(posterior, 2 * windowDays)).toBeCloseTo(2 * expected, 12);
        expect(recurrenceProbability(posterior, windowDays)).toBeLessThan(-Math.expm1(-expected));
      }
      // Over a short window at most one event is likely, so P(≥ 1) and the mean agree.
      expect(recurrenceProbability(posterior, 1e-6) / expectedRecurrences(posterior, 1e-6)).toBeCloseTo(1, 6);
    }
  });

  it('keeps its digits for tiny probabilities', () => {
    // 1 − (1 + x)^(−1/2) = x/2 − 3x²/8 + …; computed naively it would be off in the 7th digit.
    const x = 1e-9;
    const probability = recurrenceProbability({ shape: 0.5, rate: 1e6 }, 1e-3);
    expect(Math.abs(probability / (x / 2 - (3 * x * x) / 8) - 1)).toBeLessThan(1e-12);
  });
});
