import { createRecurrenceState, forecastRecurrence, observe } from '../../../src/predictions/index.js';
import type { PredictionOutcome, RecurrenceModelParams, ScorablePrediction } from '../../../src/predictions/index.js';
import type { SimulatedHistory } from './simulated-histories.js';

const msPerDay = 86_400_000;
const epoch = Date.UTC(2024, 0, 1);

export interface ForecastPlan {
  readonly windowsDays: readonly number[];
  /** Forecasts are issued on days firstDay, firstDay + everyDays, … while the window fits. */
  readonly firstDay: number;
  readonly everyDays: number;
  readonly horizonDays: number;
  readonly params?: RecurrenceModelParams;
}

export interface ScoredForecast extends ScorablePrediction {
  readonly outcome: PredictionOutcome;
  readonly expectedCount: number;
  /** Events that fell in the window. */
  readonly count: number;
}

/**
 * Walks each history as the service would: events fed to the O(1) update in order, a forecast
 * for every window at each issue time, scored hit when an event falls in (issue, issue + w].
 */
export function forecastHistories(histories: readonly SimulatedHistory[], plan: ForecastPlan): Map<number, ScoredForecast[]> {
  const rows = new Map(plan.windowsDays.map((days) => [days, [] as ScoredForecast[]]));
  for (const { events } of histories) {
    let state = createRecurrenceState(epoch);
    let next = 0;
    for (let day = plan.firstDay; day < plan.horizonDays; day += plan.everyDays) {
      for (; next < events.length && events[next]! <= day; next += 1) state = observe(state, epoch + events[next]! * msPerDay, plan.params);
      for (const windowDays of plan.windowsDays) {
        if (day + windowDays > plan.horizonDays) continue;
        const { probability, expectedCount } = forecastRecurrence(state, epoch + day * msPerDay, windowDays, plan.params);
        let count = 0;
        while (next + count < events.length && events[next + count]! <= day + windowDays) count += 1;
        rows.get(windowDays)!.push({ probability, expectedCount, count, outcome: count > 0 ? 'hit' : 'miss' });
      }
    }
  }
  return rows;
}

/**
 * The same walk with the textbook all-history Poisson rate instead of the model: episodes seen
 * so far over days observed (no prior, no decay), P = 1 − exp(−λw). Before any observed time
 * the rate is 0.
 */
export function forecastAllHistoryRate(histories: readonly SimulatedHistory[], plan: Omit<ForecastPlan, 'params'>): Map<number, ScoredForecast[]> {
  const rows = new Map(plan.windowsDays.map((days) => [days, [] as ScoredForecast[]]));
  const episodeDays = 1 / 24;
  for (const { events } of histories) {
    let next = 0;
    let episodes = 0;
    let lastCounted = -Infinity;
    for (let day = plan.firstDay; day < plan.horizonDays; day += plan.everyDays) {
      for (; next < events.length && events[next]! <= day; next += 1) {
        if (events[next]! - lastCounted < episodeDays) continue;
        episodes += 1;
        lastCounted = events[next]!;
      }
      const rate = day > 0 ? episodes / day : 0;
      for (const windowDays of plan.windowsDays) {
        if (day + windowDays > plan.horizonDays) continue;
        let count = 0;
        while (next + count < events.length && events[next + count]! <= day + windowDays) count += 1;
        const expectedCount = rate * windowDays;
        rows.get(windowDays)!.push({ probability: -Math.expm1(-expectedCount), expectedCount, count, outcome: count > 0 ? 'hit' : 'miss' });
      }
    }
  }
  return rows;
}
