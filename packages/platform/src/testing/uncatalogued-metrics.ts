import { collectDefaultMetrics, Registry } from 'prom-client';
import { cataloguedMetrics } from '../metrics/catalogue.js';

/**
 * The metric families a `/metrics` text declares (`# TYPE <name> <type>`) that are neither
 * in the metric catalogue with that type nor one of prom-client's default process metrics
 * (the only names outside the catalogue a service may export). A test of a running
 * service expects none.
 */
export function uncataloguedMetrics(exposition: string): string[] {
  const catalogued = new Map<string, string>(cataloguedMetrics.map((spec) => [spec.name, spec.type]));
  const defaults = defaultMetricNames();
  const found: string[] = [];
  for (const [, name, type] of exposition.matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
    if (catalogued.get(name!) !== type && !defaults.has(name!)) found.push(`${name} (${type})`);
  }
  return found;
}

function defaultMetricNames(): ReadonlySet<string> {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return new Set(registry.getMetricsAsArray().map((metric) => metric.name));
}
