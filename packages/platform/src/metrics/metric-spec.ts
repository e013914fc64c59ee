/** What every catalogue entry declares; the type-specific parts are in the specs below. */
interface BaseSpec<L extends string> {
  /** `causeloop_<area>_<thing>_<unit>` (see docs/metrics.md for the rule). */
  readonly name: string;
  readonly help: string;
  /** Closed sets only: never a workspace, user, token or request id. */
  readonly labelNames: readonly L[];
}

export interface CounterSpec<L extends string = string> extends BaseSpec<L> {
  readonly type: 'counter';
}

export interface HistogramSpec<L extends string = string> extends BaseSpec<L> {
  readonly type: 'histogram';
  /** Upper bounds in the metric's unit, ascending. */
  readonly buckets: readonly number[];
}

export interface GaugeSpec<L extends string = string> extends BaseSpec<L> {
  readonly type: 'gauge';
}

export type MetricSpec = CounterSpec | HistogramSpec | GaugeSpec;

// `const` keeps the label names as literal types, so `inc({ ... })` is checked against them.

export function counter<const L extends string = never>(name: string, help: string, labelNames: readonly L[] = []): CounterSpec<L> {
  return { type: 'counter', name, help, labelNames };
}

export function gauge<const L extends string = never>(name: string, help: string, labelNames: readonly L[] = []): GaugeSpec<L> {
  return { type: 'gauge', name, help, labelNames };
}

export function histogram<const L extends string = never>(
  name: string,
  help: string,
  labelNames: readonly L[],
  buckets: readonly number[],
): HistogramSpec<L> {
  return { type: 'histogram', name, help, labelNames, buckets };
}
