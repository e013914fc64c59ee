import { Gauge, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { counter } from '../../src/metrics/metric-spec.js';
import { createMetricsRegistry, metric, metricCatalogue } from '../../src/metrics/index.js';
import { uncataloguedMetrics } from '../../src/testing/uncatalogued-metrics.js';

const { rateLimited } = metricCatalogue.gateway;

describe('metric(registry, spec)', () => {
  it('gives two parts of one process the same metric, and each registry its own', async () => {
    const [one, other] = [new Registry(), new Registry()];
    expect(metric(one, rateLimited)).toBe(metric(one, rateLimited));
    metric(one, rateLimited).inc({ policy: 'default' });
    expect((await metric(one, rateLimited).get()).values).toEqual([{ labels: { policy: 'default' }, value: 1 }]);
    expect((await metric(other, rateLimited).get()).values).toEqual([]);
  });

  it('refuses a metric the catalogue does not declare', () => {
    expect(() => metric(new Registry(), counter('causeloop_gateway_rogue_total', 'Not catalogued.'))).toThrow(/not in the metric catalogue/);
    expect(() => metric(new Registry(), { ...rateLimited })).toThrow(/not in the metric catalogue/);
  });

  it('refuses a name already registered as another type', () => {
    const registry = new Registry();
    new Gauge({ name: rateLimited.name, help: 'a gauge by mistake', registers: [registry] });
    expect(() => metric(registry, rateLimited)).toThrow(/another type/);
  });
});

describe('uncataloguedMetrics(exposition)', () => {
  it("passes a service's registry: catalogued metrics and the default process metrics", async () => {
    const registry = createMetricsRegistry({ service: 'probe' });
    metric(registry, rateLimited);
    metric(registry, metricCatalogue.http.serverDuration);
    expect(uncataloguedMetrics(await registry.metrics())).toEqual([]);
  });

  it('names a metric declared around the catalogue, or with another type than catalogued', async () => {
    const registry = createMetricsRegistry({ service: 'probe' });
    new Gauge({ name: 'causeloop_gateway_rogue_current', help: 'declared around the catalogue', registers: [registry] });
    new Gauge({ name: rateLimited.name, help: 'the right name, the wrong type', registers: [registry] });
    expect(uncataloguedMetrics(await registry.metrics())).toEqual([
      'causeloop_gateway_rogue_current (gauge)',
      'causeloop_gateway_rate_limited_total (gauge)',
    ]);
  });
});
