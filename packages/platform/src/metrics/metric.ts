import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { cataloguedMetrics } from './catalogue.js';
import type { CounterSpec, GaugeSpec, HistogramSpec, MetricSpec } from './metric-spec.js';

const catalogued: ReadonlySet<MetricSpec> = new Set(cataloguedMetrics);

/**
 * The catalogue's metric on this process's registry, created on first use: two parts of one
 * process that need it (a gate per guarded service, two gateway apps in a test) share one
 * metric, while separate registries stay separate. Only catalogue entries are accepted,
 * so nothing reaches /metrics undeclared.
 */
export function metric<L extends string>(registry: Registry, spec: CounterSpec<L>): Counter<L>;
export function metric<L extends string>(registry: Registry, spec: HistogramSpec<L>): Histogram<L>;
export function metric<L extends string>(registry: Registry, spec: GaugeSpec<L>): Gauge<L>;
export function metric(registry: Registry, spec: MetricSpec): Counter | Histogram | Gauge {
  if (!catalogued.has(spec)) throw new Error(`metric ${spec.name} is not in the metric catalogue`);
  const existing = registry.getSingleMetric(spec.name);
  const type = { counter: Counter, histogram: Histogram, gauge: Gauge }[spec.type];
  if (existing !== undefined) {
    if (!(existing instanceof type)) throw new Error(`metric ${spec.name} is registered on this registry as another type`);
    return existing;
  }
  const configuration = { name: spec.name, help: spec.help, labelNames: spec.labelNames, registers: [registry] };
  switch (spec.type) {
    case 'counter':
      return new Counter(configuration);
    case 'gauge':
      return new Gauge(configuration);
    case 'histogram':
      return new Histogram({ ...configuration, buckets: [...spec.buckets] });
  }
}
