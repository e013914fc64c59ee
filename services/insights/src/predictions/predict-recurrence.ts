import { canonicalJson, sha256Hex } from './features-hash.js';
import { expectedImpact } from './impact.js';
import type { Severity } from './impact.js';
import { advance, defaultRecurrenceParams, forecastRecurrence, recurrenceModelVersion } from './recurrence-model.js';
import type { RecurrenceModelParams, RecurrenceState } from './recurrence-model.js';

// One prediction, ready for the ledger: the forecast and everything it was computed from.
// The features are the model version, its parameters, the state at issue time, the window and
// the severity; the probability, expected count and impact follow from them alone, so a
// recorded row can be recomputed and its hash checked.

const msPerDay = 86_400_000;

export interface RecurrencePredictionInput {
  readonly state: RecurrenceState;
  /** Epoch milliseconds; the state is advanced to it. */
  readonly issuedAt: number;
  /** Defaults to issuedAt; a later start (a proof window, say) keeps the same forecast. */
  readonly windowStart?: number;
  readonly windowDays: number;
  readonly severity: Severity;
  readonly params?: RecurrenceModelParams;
}

// A type alias, not an interface, so that it is assignable to JsonValue for hashing.
export type RecurrenceFeatures = {
  readonly model: string;
  readonly params: Readonly<Record<keyof RecurrenceModelParams, number>>;
  /** The state advanced to issuedAt: what the posterior is computed from. */
  readonly state: { readonly at: number; readonly count: number; readonly exposureDays: number; readonly lastCountedAt: number | null };
  readonly issuedAt: number;
  readonly windowStart: number;
  readonly windowEnd: number;
  readonly windowDays: number;
  readonly severity: Severity;
};

export interface RecurrencePrediction {
  readonly modelVersion: string;
  readonly issuedAt: number;
  readonly windowStart: number;
  readonly windowEnd: number;
  readonly probability: number;
  readonly expectedCount: number;
  /** Expected p4-equivalent recurrences in the window (impact.ts). */
  readonly impact: number;
  readonly features: RecurrenceFeatures;
  /** The canonical JSON of features: what is hashed, and what the ledger stores. */
  readonly featuresJson: string;
  /** sha256 hex of featuresJson. */
  readonly featuresHash: string;
}

export function predictRecurrence(input: RecurrencePredictionInput): RecurrencePrediction {
  const { issuedAt, windowDays, severity, params = defaultRecurrenceParams } = input;
  const windowStart = input.windowStart ?? issuedAt;
  if (!(windowStart >= issuedAt)) throw new RangeError(`a window cannot start (${windowStart}) before the prediction is issued (${issuedAt})`);
  // The rate is forecast as constant from issue time on, so only the window's length matters.
  const forecast = forecastRecurrence(input.state, issuedAt, windowDays, params);
  const state = advance(input.state, issuedAt, params);
  const windowEnd = windowStart + windowDays * msPerDay;
  const features: RecurrenceFeatures = {
    model: recurrenceModelVersion,
    params: { ...params },
    state: { ...state },
    issuedAt,
    windowStart,
    windowEnd,
    windowDays,
    severity,
  };
  const featuresJson = canonicalJson(features);
  return {
    modelVersion: recurrenceModelVersion,
    issuedAt,
    windowStart,
    windowEnd,
    probability: forecast.probability,
    expectedCount: forecast.expectedCount,
    impact: expectedImpact(severity, forecast.expectedCount),
    features,
    featuresJson,
    featuresHash: sha256Hex(featuresJson),
  };
}
