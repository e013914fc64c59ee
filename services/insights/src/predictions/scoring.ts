// How good were the forecasts? Recomputed from the raw ledger rows every time, never from
// stored aggregates, so the figures can be checked against the rows by anyone.
//
// - Brier score BS = mean (p − o)², o = 1 for a hit and 0 for a miss; void rows (the pattern
//   was merged or deleted before the window closed) and rows not yet scored are left out.
// - Climatology: the base rate p̄ of hits among the scored rows, the forecast that knows only
//   how often patterns recur; its Brier score is p̄(1 − p̄).
// - Brier skill score BSS = 1 − BS / (p̄(1 − p̄)): 1 is perfect, 0 is no better than the base
//   rate, below 0 worse. Undefined (null) when every scored row has the same outcome.
// - Reliability: 10 bins of equal width over [0, 1] (bin k holds 0.1k ≤ p < 0.1(k + 1), the
//   last also p = 1) with each bin's count, mean forecast and observed frequency of hits.
// - Expected calibration error ECE = Σ (countₖ / N) · |observedₖ − meanForecastₖ|.
// Below 50 scored rows these figures are mostly noise (one row moves the BS by 1/50 of its
// squared error), so the answer is withheld with the count and the reason.

export type PredictionOutcome = 'hit' | 'miss' | 'void';

export interface ScorablePrediction {
  readonly probability: number;
  /** null while the window is still open. */
  readonly outcome: PredictionOutcome | null;
}

export const minimumScoredPredictions = 50;
export const reliabilityBinCount = 10;

export interface ReliabilityBin {
  readonly lower: number;
  readonly upper: number;
  readonly count: number;
  /** null for an empty bin. */
  readonly meanForecast: number | null;
  readonly observedFrequency: number | null;
}

export interface WithheldAccuracy {
  readonly status: 'withheld';
  readonly scored: number;
  readonly minimumScored: number;
  readonly reason: string;
}

export interface ScoredAccuracy {
  readonly status: 'scored';
  /** Rows with outcome hit or miss. */
  readonly scored: number;
  readonly hits: number;
  readonly voided: number;
  readonly brierScore: number;
  /** p̄, the base rate of hits. */
  readonly climatology: number;
  /** p̄(1 − p̄). */
  readonly climatologyBrierScore: number;
  /** null when the climatology's Brier score is 0 (all hits or all misses). */
  readonly brierSkillScore: number | null;
  readonly reliability: readonly ReliabilityBin[];
  readonly expectedCalibrationError: number;
}

export type PredictionAccuracy = WithheldAccuracy | ScoredAccuracy;

export function scorePredictions(rows: Iterable<ScorablePrediction>): PredictionAccuracy {
  const bins = Array.from({ length: reliabilityBinCount }, () => ({ count: 0, forecastSum: 0, hits: 0 }));
  let scored = 0;
  let hits = 0;
  let voided = 0;
  let squaredErrorSum = 0;
  for (const { probability, outcome } of rows) {
    if (!(probability >= 0 && probability <= 1)) throw new RangeError(`a probability must lie in [0, 1], got ${probability}`);
    if (outcome === 'void') voided += 1;
    if (outcome !== 'hit' && outcome !== 'miss') continue;
    const observed = outcome === 'hit' ? 1 : 0;
    scored += 1;
    hits += observed;
    squaredErrorSum += (probability - observed) ** 2;
    const bin = bins[binOf(probability)]!;
    bin.count += 1;
    bin.forecastSum += probability;
    bin.hits += observed;
  }
  if (scored < minimumScoredPredictions) {
    return {
      status: 'withheld',
      scored,
      minimumScored: minimumScoredPredictions,
      reason: `${scored} scored prediction${scored === 1 ? '' : 's'}; accuracy is reported from ${minimumScoredPredictions}, below which it is mostly noise`,
    };
  }
  const brierScore = squaredErrorSum / scored;
  const climatology = hits / scored;
  const climatologyBrierScore = climatology * (1 - climatology);
  const reliability = bins.map((bin, index): ReliabilityBin => ({
    lower: index / reliabilityBinCount,
    upper: (index + 1) / reliabilityBinCount,
    count: bin.count,
    meanForecast: bin.count === 0 ? null : bin.forecastSum / bin.count,
    observedFrequency: bin.count === 0 ? null : bin.hits / bin.count,
  }));
  const expectedCalibrationError = bins.reduce((sum, bin) => sum + Math.abs(bin.hits - bin.forecastSum) / scored, 0);
  return {
    status: 'scored',
    scored,
    hits,
    voided,
    brierScore,
    climatology,
    climatologyBrierScore,
    brierSkillScore: climatologyBrierScore === 0 ? null : 1 - brierScore / climatologyBrierScore,
    reliability,
    expectedCalibrationError,
  };
}

/** floor(10p), with p = 1 in the last bin. */
function binOf(probability: number): number {
  return Math.min(reliabilityBinCount - 1, Math.floor(probability * reliabilityBinCount));
}
