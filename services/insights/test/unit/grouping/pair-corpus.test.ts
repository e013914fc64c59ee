import { describe, expect, it } from 'vitest';
import { createTemplateMiner, fingerprintOf, groupRecord } from '../../../src/grouping/index.js';
import { pairCorpus, type CorpusRecord } from './pair-corpus.js';
import { createTemplateRenames } from './template-renames.js';

const truthOf = (record: CorpusRecord) => JSON.stringify([record.cause, record.service, record.component]);

/** Every record of the corpus through one workspace's miner, in order; fingerprints as they end up. */
function fingerprintCorpus(records: readonly CorpusRecord[]): string[] {
  const miner = createTemplateMiner();
  const renames = createTemplateRenames();
  const templates = records.map((record) => {
    const grouping = groupRecord(miner, record);
    renames.record(grouping.replacedTemplates, grouping.explanation.template);
    return grouping.explanation.template;
  });
  return records.map((record, index) => fingerprintOf({ template: renames.resolve(templates[index]!), service: record.service, component: record.component }));
}

describe('the hand-written pair corpus', () => {
  const records = pairCorpus.flatMap((pair) => [pair.a, pair.b]);
  const fingerprints = fingerprintCorpus(records);
  const describeRecord = (index: number) => `[${records[index]!.service}/${records[index]!.component}] ${records[index]!.title}${records[index]!.body === undefined ? '' : ' …'}`;

  it('holds at least 120 pairs, both kinds, in many styles', () => {
    expect(pairCorpus.length).toBeGreaterThanOrEqual(120);
    expect(pairCorpus.filter((pair) => pair.same).length).toBeGreaterThanOrEqual(60);
    expect(pairCorpus.filter((pair) => !pair.same).length).toBeGreaterThanOrEqual(45);
    expect(new Set(records.map((record) => record.service)).size).toBeGreaterThanOrEqual(25);
  });

  it('gives each same-cause pair one fingerprint and each different-cause pair two', () => {
    const misses = pairCorpus.flatMap((pair, index) => {
      const joined = fingerprints[2 * index] === fingerprints[2 * index + 1];
      return joined === pair.same ? [] : [`${pair.same ? 'split' : 'merged'}: ${describeRecord(2 * index)}\n    vs ${describeRecord(2 * index + 1)}`];
    });
    expect(misses, misses.join('\n')).toEqual([]);
  });

  it('scores pairwise precision 1.00 and recall ≥ 0.98 over all records', () => {
    let truePositives = 0;
    let falsePositives = 0;
    let falseNegatives = 0;
    const misses: string[] = [];
    for (let i = 0; i < records.length; i++) {
      for (let j = i + 1; j < records.length; j++) {
        const together = fingerprints[i] === fingerprints[j];
        const truly = truthOf(records[i]!) === truthOf(records[j]!);
        if (together && truly) truePositives++;
        if (together && !truly) falsePositives++;
        if (!together && truly) falseNegatives++;
        if (together !== truly) misses.push(`${together ? 'merged' : 'split'}: ${describeRecord(i)}\n    vs ${describeRecord(j)}`);
      }
    }
    const precision = truePositives / (truePositives + falsePositives);
    const recall = truePositives / (truePositives + falseNegatives);
    console.log(`pair corpus: ${records.length} records, ${truePositives} true pairs found, precision ${precision.toFixed(4)}, recall ${recall.toFixed(4)}`);
    expect(precision, misses.join('\n')).toBe(1);
    expect(recall, misses.join('\n')).toBeGreaterThanOrEqual(0.98);
  });
});
