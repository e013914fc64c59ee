export * from './create-metrics-registry.js';
export { metricCatalogue, cataloguedMetrics } from './catalogue.js';
export { metric } from './metric.js';
export type { CounterSpec, GaugeSpec, HistogramSpec, MetricSpec } from './metric-spec.js';
export * from './grpc-metrics.js';
