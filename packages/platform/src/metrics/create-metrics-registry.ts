import { collectDefaultMetrics, Registry } from 'prom-client';

export type { Registry };

/**
 * A fresh registry per process (never prom-client's global one, which breaks tests and
 * double installs), with the default process and Node.js metrics.
 */
export function createMetricsRegistry(options: { service: string }): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ service: options.service });
  collectDefaultMetrics({ register: registry });
  return registry;
}

// Types only: services get their metrics from the catalogue (`metric(registry, spec)`) and
// name them with these, so prom-client stays a dependency of the platform alone.
export type { Counter, Gauge, Histogram } from 'prom-client';
