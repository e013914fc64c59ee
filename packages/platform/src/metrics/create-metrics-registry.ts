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

// Services declare their domain metrics with these, so prom-client stays one dependency of
// the platform rather than one per service.
export { Counter, Gauge, Histogram } from 'prom-client';
