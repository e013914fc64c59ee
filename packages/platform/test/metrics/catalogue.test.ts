// The metric catalogue keeps its promises (house style habit 7, DESIGN §8): every name
// follows the rule, every histogram's buckets ascend, no label can carry an id, every label
// leaves the process's own `service` label alone, and docs/metrics.md documents each metric
// as declared.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cataloguedMetrics, createMetricsRegistry, metric, metricCatalogue, type MetricSpec } from '../../src/metrics/index.js';

const repositoryRoot = path.resolve(import.meta.dirname, '../../../..');

/**
 * `causeloop_<area>_<thing>_<unit>`: the area is the metric's catalogue group; the thing
 * is lowercase words joined by `_`; the unit is `total` for a counter and `seconds` or
 * `bytes` for a histogram, `seconds`, `bytes`, `ratio` or `current` for a gauge.
 * There are no exceptions: prom-client's default process metrics, which keep their
 * standard names, are not in the catalogue.
 */
const units: Readonly<Record<MetricSpec['type'], readonly string[]>> = {
  counter: ['total'],
  histogram: ['seconds', 'bytes'],
  gauge: ['seconds', 'bytes', 'ratio', 'current'],
};

function followsRule(area: string, spec: MetricSpec): boolean {
  const word = '[a-z][a-z0-9]*';
  return new RegExp(`^causeloop_${area}_${word}(?:_${word})*_(?:${units[spec.type].join('|')})$`).test(spec.name);
}

/**
 * Labels naming something unbounded: an id of anything, or an entity with one value per
 * customer, caller or request. Operators filter those in logs and traces, not metrics.
 */
const idLike = /(?:^|_)(?:id|ids|uuid)$|^(?:workspace|org|organization|tenant|user|subject|member|account|email|token|key|request|trace|span|session|principal|ip|address|path|url)(?:_|$)/;

const byArea = Object.entries(metricCatalogue).flatMap(([area, specs]) =>
  Object.values(specs).map((spec: MetricSpec) => ({ area, spec })),
);

describe('the metric catalogue', () => {
  it('names every metric causeloop_<area>_<thing>_<unit>, the area being its group', () => {
    expect(byArea.filter(({ area, spec }) => !followsRule(area, spec)).map(({ spec }) => spec.name)).toEqual([]);
  });

  it('declares every name once', () => {
    const names = cataloguedMetrics.map((spec) => spec.name);
    expect(names.filter((name, index) => names.indexOf(name) !== index)).toEqual([]);
  });

  it('gives every histogram ascending buckets', () => {
    for (const spec of cataloguedMetrics) {
      if (spec.type !== 'histogram') continue;
      expect(spec.buckets.length, spec.name).toBeGreaterThan(0);
      expect(spec.buckets.every((bound, index) => index === 0 || bound > spec.buckets[index - 1]!), spec.name).toBe(true);
    }
  });

  it('has no id-like label', () => {
    const offending = cataloguedMetrics.flatMap((spec) => spec.labelNames.filter((label) => idLike.test(label)).map((label) => `${spec.name}{${label}}`));
    expect(offending).toEqual([]);
  });

  it("keeps the process's service label on every series", async () => {
    const registry = createMetricsRegistry({ service: 'probe' });
    for (const spec of cataloguedMetrics) {
      const labels = Object.fromEntries(spec.labelNames.map((label) => [label, 'x']));
      if (spec.type === 'counter') metric(registry, spec).inc(labels);
      else if (spec.type === 'gauge') metric(registry, spec).set(labels, 1);
      else metric(registry, spec).observe(labels, 1);
    }
    const series = (await registry.getMetricsAsJSON())
      .filter((family) => family.name.startsWith('causeloop_'))
      .flatMap((family) => family.values.map((value) => ({ name: family.name, service: value.labels['service'] })));
    expect(series.length).toBeGreaterThanOrEqual(cataloguedMetrics.length);
    expect(series.filter(({ service }) => service !== 'probe')).toEqual([]);
  });
});

interface DocumentedMetric {
  readonly type: string;
  readonly labels: readonly string[];
  readonly help: string;
}

/** Rows `| \`name\` | type | \`label\`, … or — | help | emitted by |` of docs/metrics.md. */
function documentedMetrics(markdown: string): Map<string, DocumentedMetric> {
  const documented = new Map<string, DocumentedMetric>();
  for (const line of markdown.split('\n')) {
    const cells = /^\|\s*`(causeloop_[a-z0-9_]+)`\s*\|(.*)\|\s*$/.exec(line);
    if (cells === null) continue;
    const [type, labels, help] = cells[2]!.split('|').map((cell) => cell.trim());
    documented.set(cells[1]!, {
      type: type!,
      labels: labels === '—' ? [] : labels!.split(',').map((label) => label.trim().replaceAll('`', '')),
      help: help!,
    });
  }
  return documented;
}

describe('docs/metrics.md', async () => {
  const documented = documentedMetrics(await readFile(path.join(repositoryRoot, 'docs/metrics.md'), 'utf8'));

  it('documents every catalogued metric as declared: type, labels and help', () => {
    const declared = cataloguedMetrics.map((spec) => ({ name: spec.name, type: spec.type, labels: spec.labelNames, help: spec.help }));
    const written = cataloguedMetrics.map((spec) => ({ name: spec.name, ...documented.get(spec.name) }));
    expect(written).toEqual(declared);
  });

  it('documents no metric the catalogue does not declare', () => {
    const names = new Set(cataloguedMetrics.map((spec) => spec.name));
    expect([...documented.keys()].filter((name) => !names.has(name))).toEqual([]);
  });
});
