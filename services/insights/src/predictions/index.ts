// Forecasting recurrences and scoring the forecasts: the public API for the insights service.
export { canonicalJson, featuresHash } from './features-hash.js';
export type { JsonValue } from './features-hash.js';
export { expectedImpact, severityWeight, severityWeights } from './impact.js';
export type { Severity } from './impact.js';
export { predictRecurrence } from './predict-recurrence.js';
export type { RecurrenceFeatures, RecurrencePrediction, RecurrencePredictionInput } from './predict-recurrence.js';
export {
  advance,
  createRecurrenceState,
  defaultRecurrenceParams,
  expectedRecurrences,
  forecastRecurrence,
  observe,
  ratePosterior,
  recurrenceModelVersion,
  recurrenceProbability,
  stateFromEvents,
} from './recurrence-model.js';
export type { RatePosterior, RecurrenceForecast, RecurrenceModelParams, RecurrenceState } from './recurrence-model.js';
export { minimumScoredPredictions, reliabilityBinCount, scorePredictions } from './scoring.js';
export type { PredictionAccuracy, PredictionOutcome, ReliabilityBin, ScorablePrediction, ScoredAccuracy, WithheldAccuracy } from './scoring.js';
