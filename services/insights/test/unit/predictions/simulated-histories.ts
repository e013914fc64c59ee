import { createSeededRandom } from '@causeloop/platform/random';
// Seeded event histories from known rates, for checking that forecasts are calibrated: the
// rates are drawn from wide ranges and change in the ways patterns do (a fix, a regression,
// slow drift), so the model is tested on data its defaults were not fitted to.

/** A rate (events a day) that holds from day `from` until the next segment. */
export interface RateSegment {
  readonly from: number;
  readonly rate: number;
}

export type HistoryKind = 'steady' | 'fixed' | 'regressed' | 'drifting' | 'bursty';

export interface SimulatedHistory {
  readonly kind: HistoryKind;
  /** Event times in days from 0, ascending. */
  readonly events: readonly number[];
}

/** Events of a Poisson process with a piecewise-constant rate over [0, horizonDays). */
export function poissonEvents(random: () => number, segments: readonly RateSegment[], horizonDays: number): number[] {
  const events: number[] = [];
  segments.forEach((segment, index) => {
    const end = Math.min(horizonDays, segments[index + 1]?.from ?? horizonDays);
    if (segment.rate <= 0) return;
    // Memorylessness lets each segment start its own exponential gaps.
    for (let t = segment.from + exponential(random, segment.rate); t < end; t += exponential(random, segment.rate)) events.push(t);
  });
  return events;
}

/** Log-uniform between min and max: as many patterns a year apart as a day apart. */
export function logUniform(random: () => number, min: number, max: number): number {
  return min * (max / min) ** random();
}

/**
 * One history of each kind in turn. Rates run from one a year to two a day; fixes cut a rate
 * 5 to 100 times (or to nothing), regressions raise it as much; drifting rates random-walk in
 * log space by a factor of about e every 100 days; bursty histories are storms of 2 to 30
 * records within 20 minutes, the storms arriving as a Poisson process.
 */
export function simulateHistories(options: { readonly seed: number; readonly count: number; readonly horizonDays: number; readonly kinds: readonly HistoryKind[] }): SimulatedHistory[] {
  const random = createSeededRandom(options.seed);
  const { horizonDays } = options;
  return Array.from({ length: options.count }, (_, index): SimulatedHistory => {
    const kind = options.kinds[index % options.kinds.length]!;
    const rate = logUniform(random, 1 / 365, 2);
    const changeDay = horizonDays * (0.2 + 0.6 * random());
    const factor = logUniform(random, 5, 100);
    switch (kind) {
      case 'steady':
        return { kind, events: poissonEvents(random, [{ from: 0, rate }], horizonDays) };
      case 'fixed':
        return { kind, events: poissonEvents(random, [{ from: 0, rate }, { from: changeDay, rate: random() < 0.3 ? 0 : rate / factor }], horizonDays) };
      case 'regressed':
        return { kind, events: poissonEvents(random, [{ from: 0, rate: rate / factor }, { from: changeDay, rate }], horizonDays) };
      case 'drifting':
        return { kind, events: poissonEvents(random, driftingRate(random, rate, horizonDays), horizonDays) };
      case 'bursty':
        return { kind, events: storms(random, poissonEvents(random, [{ from: 0, rate }], horizonDays)) };
    }
  });
}

/**
 * Histories where fixes change the rate, as the loop does to patterns: each pattern recurs at
 * its rate (one a year to two a day) until a fix on a random day between 20 % and 80 % of
 * the horizon, which stops it for good (30 %), cuts it 5 to 100 times (40 %), or cuts it and
 * regresses to the old rate 30 to 180 days later (30 %): a fix that did not hold.
 */
export function simulateFixHistories(options: { readonly seed: number; readonly count: number; readonly horizonDays: number }): SimulatedHistory[] {
  const random = createSeededRandom(options.seed);
  const { horizonDays } = options;
  return Array.from({ length: options.count }, (): SimulatedHistory => {
    const rate = logUniform(random, 1 / 365, 2);
    const fixDay = horizonDays * (0.2 + 0.6 * random());
    const cut = rate / logUniform(random, 5, 100);
    const fate = random();
    const regressAfterDays = 30 + 150 * random();
    const segments =
      fate < 0.3
        ? [{ from: 0, rate }, { from: fixDay, rate: 0 }]
        : fate < 0.7
          ? [{ from: 0, rate }, { from: fixDay, rate: cut }]
          : [{ from: 0, rate }, { from: fixDay, rate: cut }, { from: fixDay + regressAfterDays, rate }];
    return { kind: 'fixed', events: poissonEvents(random, segments, horizonDays) };
  });
}

function driftingRate(random: () => number, start: number, horizonDays: number): RateSegment[] {
  const segments: RateSegment[] = [];
  let logRate = Math.log(start);
  for (let day = 0; day < horizonDays; day += 1) {
    segments.push({ from: day, rate: Math.exp(logRate) });
    logRate += 0.1 * normal(random);
    // Kept within the range the other kinds draw from.
    logRate = Math.min(Math.log(2), Math.max(Math.log(1 / 365), logRate));
  }
  return segments;
}

function storms(random: () => number, starts: readonly number[]): number[] {
  const minutes = 1 / 1440;
  return starts.flatMap((start) => {
    const size = 2 + Math.floor(random() * 29);
    return Array.from({ length: size }, (_, index) => (index === 0 ? start : start + random() * 20 * minutes));
  }).sort((a, b) => a - b);
}

function exponential(random: () => number, rate: number): number {
  return -Math.log(1 - random()) / rate;
}

/** Box–Muller. */
function normal(random: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}
