// Will a pattern recur? A Poisson model of a pattern's episodes whose rate is estimated from
// recency-weighted history under a Gamma prior (docs/predictions.md has the derivation).
//
// State per pattern: a decayed count n and a decayed exposure e (days). An event t days ago
// weighs exp(−κt), κ = ln 2 / half-life, and so does a day of exposure t days ago; so
//   n(t) = Σᵢ exp(−κ(t − tᵢ))          e(t) = (1 − exp(−κ(t − since))) / κ
// and both move forward in O(1): over Δ days, n ← n·exp(−κΔ), e ← e·exp(−κΔ) + (1 − exp(−κΔ))/κ,
// then an event adds 1 to n. The rate λ has posterior Gamma(α0 + n, β0 + e) (shape, rate), and
// the count in a window of w days is negative binomial: P(≥ 1) = 1 − (β/(β + w))^α, mean α/β·w.
//
// Defaults, and why:
// - half-life 20 days: a window of exposure worth 1/κ ≈ 29 days at most, about the longest
//   forecast (30 days), so a monthly pattern still has evidence in it, and short enough that a
//   fix that stops a pattern shows in its forecasts within its proof window (30 days by
//   default). With 30 days the weeks of over-forecasting after each fix left a 7-day
//   calibration error of 0.035 to 0.047 on histories where fixes change the rates; with 20,
//   0.022 to 0.028, for about 0.01 of skill on patterns whose rate never changes
//   (calibration.test.ts).
// - prior α0 = 7/30 events over β0 = 7 days of exposure: a rate of one a month (between the
//   frequent and the rare patterns), worth one week of observation. With shape 0.23 the prior
//   is vague (its mode is 0), so data outweighs it after days, and a pattern silent for months
//   settles near α0 / (β0 + 1/κ) ≈ 0.0065 a day, not at zero. The prior does not decay, so it
//   keeps β0κ/(1 + β0κ) ≈ 20 % of a long history's weight: a price paid by frequent patterns,
//   whose expected counts it pulls towards one a month by up to that much.
// - episodes of 60 minutes: events within an hour after a counted event are one episode and
//   count once. Failure records come in bursts (a broken deploy writes fifty in a minute), and
//   counting each would forecast near-certain recurrence for months after one incident. The
//   price: a Poisson rate λ a day is counted as λ/(1 + λ/24), 0.4 % low at one every ten days
//   and 4 % low at one a day, where the 7-day probability is 0.999 either way.

const msPerDay = 86_400_000;
const msPerMinute = 60_000;

/** Part of every prediction's features: bump it when a formula here changes. */
export const recurrenceModelVersion = 'poisson-gamma-recency/1';

export interface RecurrenceModelParams {
  /** Days after which an event, and a day of exposure, weighs half. Infinity never forgets (for comparison: JSON cannot record it). */
  readonly halfLifeDays: number;
  /** α0, the prior's shape: events the prior is worth. */
  readonly priorEvents: number;
  /** β0, the prior's rate: days of exposure the prior is worth. */
  readonly priorExposureDays: number;
  /** Events less than this long after a counted event belong to its episode. 0 counts all. */
  readonly episodeMinutes: number;
}

export const defaultRecurrenceParams: RecurrenceModelParams = Object.freeze({
  halfLifeDays: 20,
  priorEvents: 7 / 30,
  priorExposureDays: 7,
  episodeMinutes: 60,
});

export interface RecurrenceState {
  /** Epoch milliseconds the state is current at. */
  readonly at: number;
  /** n: recency-weighted count of episodes. */
  readonly count: number;
  /** e: recency-weighted exposure in days. */
  readonly exposureDays: number;
  /** Epoch milliseconds of the latest counted event; null before the first. */
  readonly lastCountedAt: number | null;
}

/** Gamma(shape α, rate β per day) over the pattern's rate of episodes. */
export interface RatePosterior {
  readonly shape: number;
  readonly rate: number;
}

export interface RecurrenceForecast {
  /** P(at least one recurrence in the window). */
  readonly probability: number;
  /** Expected number of episodes in the window. */
  readonly expectedCount: number;
  readonly posterior: RatePosterior;
}

/**
 * An empty state at the start of observation: the moment from which the pattern would have
 * been seen had it happened (the workspace's first record, say), not its own first event.
 */
export function createRecurrenceState(since: number): RecurrenceState {
  assertTime(since, 'since');
  return { at: since, count: 0, exposureDays: 0, lastCountedAt: null };
}

/** The state at a later time with no event in between. */
export function advance(state: RecurrenceState, to: number, params: RecurrenceModelParams = defaultRecurrenceParams): RecurrenceState {
  assertTime(to, 'to');
  if (to < state.at) throw new RangeError(`cannot advance a recurrence state back in time (from ${state.at} to ${to})`);
  const kappa = decayRate(params);
  const days = (to - state.at) / msPerDay;
  const factor = Math.exp(-kappa * days);
  return { ...state, at: to, count: state.count * factor, exposureDays: state.exposureDays * factor + accruedExposure(kappa, days) };
}

/**
 * The state after an event. An event later than the state advances it first. An event earlier
 * than the state (a record that arrived late) adds its decayed weight, which is exact because
 * exposure does not depend on events; only whether it opens an episode is judged against the
 * latest counted event alone, so with late arrivals inside an hour of each other the count can
 * differ from stateFromEvents by those events.
 */
export function observe(state: RecurrenceState, eventAt: number, params: RecurrenceModelParams = defaultRecurrenceParams): RecurrenceState {
  assertTime(eventAt, 'eventAt');
  const current = eventAt > state.at ? advance(state, eventAt, params) : state;
  const last = current.lastCountedAt;
  if (last !== null && Math.abs(eventAt - last) < params.episodeMinutes * msPerMinute) return current;
  const weight = Math.exp((-decayRate(params) * (current.at - eventAt)) / msPerDay);
  return { ...current, count: current.count + weight, lastCountedAt: last === null ? eventAt : Math.max(last, eventAt) };
}

/** The state at `at` from the whole history since `since`, by the closed forms: O(events). */
export function stateFromEvents(
  events: readonly number[],
  window: { readonly since: number; readonly at: number },
  params: RecurrenceModelParams = defaultRecurrenceParams,
): RecurrenceState {
  const { since, at } = window;
  assertRecurrenceParams(params);
  assertTime(since, 'since');
  assertTime(at, 'at');
  if (at < since) throw new RangeError(`at (${at}) is before since (${since})`);
  const kappa = decayRate(params);
  const episodeMs = params.episodeMinutes * msPerMinute;
  let count = 0;
  let lastCountedAt: number | null = null;
  for (const eventAt of [...events].sort((a, b) => a - b)) {
    assertTime(eventAt, 'event');
    if (eventAt < since || eventAt > at) throw new RangeError(`event ${eventAt} lies outside [${since}, ${at}]`);
    if (lastCountedAt !== null && eventAt - lastCountedAt < episodeMs) continue;
    count += Math.exp((-kappa * (at - eventAt)) / msPerDay);
    lastCountedAt = eventAt;
  }
  return { at, count, exposureDays: accruedExposure(kappa, (at - since) / msPerDay), lastCountedAt };
}

export function ratePosterior(state: RecurrenceState, params: RecurrenceModelParams = defaultRecurrenceParams): RatePosterior {
  return { shape: params.priorEvents + state.count, rate: params.priorExposureDays + state.exposureDays };
}

/** P(N ≥ 1) for N ~ NegBin, the Gamma posterior's predictive count over windowDays. */
export function recurrenceProbability(posterior: RatePosterior, windowDays: number): number {
  assertWindow(windowDays);
  // 1 − (β/(β + w))^α, written so it keeps its digits when the answer is tiny.
  return -Math.expm1(-posterior.shape * Math.log1p(windowDays / posterior.rate));
}

export function expectedRecurrences(posterior: RatePosterior, windowDays: number): number {
  assertWindow(windowDays);
  return (posterior.shape / posterior.rate) * windowDays;
}

/** The forecast for a window of windowDays, made at `at` from a state no later than it. */
export function forecastRecurrence(
  state: RecurrenceState,
  at: number,
  windowDays: number,
  params: RecurrenceModelParams = defaultRecurrenceParams,
): RecurrenceForecast {
  assertRecurrenceParams(params);
  const posterior = ratePosterior(advance(state, at, params), params);
  return { probability: recurrenceProbability(posterior, windowDays), expectedCount: expectedRecurrences(posterior, windowDays), posterior };
}

function assertRecurrenceParams(params: RecurrenceModelParams): void {
  const { halfLifeDays, priorEvents, priorExposureDays, episodeMinutes } = params;
  // A prior of zero events or zero exposure would leave the Gamma improper before any data.
  if (!(halfLifeDays > 0)) throw new RangeError(`halfLifeDays must be positive, got ${halfLifeDays}`);
  if (!(priorEvents > 0 && Number.isFinite(priorEvents))) throw new RangeError(`priorEvents must be positive and finite, got ${priorEvents}`);
  if (!(priorExposureDays > 0 && Number.isFinite(priorExposureDays))) throw new RangeError(`priorExposureDays must be positive and finite, got ${priorExposureDays}`);
  if (!(episodeMinutes >= 0 && Number.isFinite(episodeMinutes))) throw new RangeError(`episodeMinutes must be finite and not negative, got ${episodeMinutes}`);
}

function decayRate(params: RecurrenceModelParams): number {
  return Math.LN2 / params.halfLifeDays;
}

/** ∫₀^days exp(−κs) ds: the exposure a stretch of `days` adds, weighted as it decays. */
function accruedExposure(kappa: number, days: number): number {
  return kappa === 0 ? days : -Math.expm1(-kappa * days) / kappa;
}

function assertTime(value: number, name: string): void {
  if (!Number.isFinite(value)) throw new RangeError(`${name} must be a finite epoch time in milliseconds, got ${value}`);
}

function assertWindow(windowDays: number): void {
  if (!(windowDays > 0 && Number.isFinite(windowDays))) throw new RangeError(`a window must be a positive number of days, got ${windowDays}`);
}
