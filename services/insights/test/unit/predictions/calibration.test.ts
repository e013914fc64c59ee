import { describe, expect, it } from 'vitest';
import { defaultRecurrenceParams, scorePredictions } from '../../../src/predictions/index.js';
import type { RecurrenceModelParams, ScorablePrediction, ScoredAccuracy } from '../../../src/predictions/index.js';
import { forecastHistories } from './forecast-histories.js';
import { simulateHistories } from './simulated-histories.js';
import type { HistoryKind } from './simulated-histories.js';

// Statistical properties of the forecasts on histories drawn from known rates, not timings:
// every figure is deterministic for its seed. The bounds are what a useful forecast must
// meet, with room for the sampling noise of a few thousand forecasts (perfectly calibrated
// forecasts would still show an ECE of about 0.014 at this size).

const horizonDays = 540;
const windowsDays = [7, 14, 30];

function scored(rows: readonly ScorablePrediction[]): ScoredAccuracy {
  const accuracy = scorePredictions(rows);
  if (accuracy.status !== 'scored') throw new Error(`withheld: ${accuracy.reason}`);
  return accuracy;
}

function accuracyByWindow(kinds: readonly HistoryKind[], count: number, params: RecurrenceModelParams = defaultRecurrenceParams): Map<number, ScoredAccuracy> {
  const histories = simulateHistories({ seed: 20250101, count, horizonDays, kinds });
  const rows = forecastHistories(histories, { windowsDays, firstDay: 0, everyDays: 14, horizonDays, params });
  return new Map([...rows].map(([windowDays, windowRows]) => [windowDays, scored(windowRows)]));
}

function summary(label: string, accuracy: ReadonlyMap<number, ScoredAccuracy>): string {
  const figures = [...accuracy].map(
    ([windowDays, { scored: n, climatology, brierScore, brierSkillScore, expectedCalibrationError }]) =>
      `${windowDays} d: n ${n}, base rate ${climatology.toFixed(3)}, BS ${brierScore.toFixed(4)}, BSS ${brierSkillScore?.toFixed(3)}, ECE ${expectedCalibrationError.toFixed(4)}`,
  );
  return `${label}\n  ${figures.join('\n  ')}`;
}

describe('forecasts on simulated histories', () => {
  it('are calibrated and skilful when rates hold, drop after fixes, rise, drift and come in storms', () => {
    const accuracy = accuracyByWindow(['steady', 'fixed', 'regressed', 'drifting', 'bursty'], 150);
    console.log(summary('150 simulated patterns, 540 days, forecasts every 14 days', accuracy));
    for (const [windowDays, { scored: n, brierSkillScore, expectedCalibrationError }] of accuracy) {
      expect(n, `${windowDays} d`).toBeGreaterThan(5000);
      expect(expectedCalibrationError, `${windowDays} d`).toBeLessThan(0.05);
      expect(brierSkillScore!, `${windowDays} d`).toBeGreaterThan(0.3);
    }
  });

  it('follow a fix where an all-history rate does not', () => {
    const recency = accuracyByWindow(['fixed'], 150);
    const allHistory = accuracyByWindow(['fixed'], 150, { ...defaultRecurrenceParams, halfLifeDays: Infinity });
    console.log(`${summary('after fixes, half-life 30 days', recency)}\n${summary('after fixes, all history', allHistory)}`);
    for (const windowDays of windowsDays) {
      expect(recency.get(windowDays)!.brierSkillScore!, `${windowDays} d`).toBeGreaterThan(allHistory.get(windowDays)!.brierSkillScore! + 0.15);
    }
  });

  it('stay calibrated through storms only by counting episodes', () => {
    const episodes = accuracyByWindow(['bursty'], 150);
    const everyRecord = accuracyByWindow(['bursty'], 150, { ...defaultRecurrenceParams, episodeMinutes: 0 });
    console.log(`${summary('storms, episodes of 60 minutes', episodes)}\n${summary('storms, every record counted', everyRecord)}`);
    for (const windowDays of windowsDays) {
      expect(episodes.get(windowDays)!.expectedCalibrationError, `${windowDays} d`).toBeLessThan(0.05);
      expect(everyRecord.get(windowDays)!.expectedCalibrationError, `${windowDays} d`).toBeGreaterThan(0.1);
    }
  });
});
