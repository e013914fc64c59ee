import { describe, expect, it } from 'vitest';
import { createSeededLogCorpus, createTemplateMiner, normalizeMessage, seededTemplateCount } from '../../../src/grouping/index.js';
import { createTemplateRenames } from './template-renames.js';

/**
 * Loghub's grouping accuracy: a message counts as correct when the group it was put in
 * holds exactly the messages of its true template, no more and no fewer.
 */
function groupingAccuracy(predicted: readonly string[], truth: readonly number[]): { accuracy: number; wrong: Map<number, string[]> } {
  const groups = new Map<string, number[]>();
  predicted.forEach((group, index) => groups.set(group, [...(groups.get(group) ?? []), index]));
  const truthSizes = new Map<number, number>();
  for (const label of truth) truthSizes.set(label, (truthSizes.get(label) ?? 0) + 1);
  let correct = 0;
  const wrong = new Map<number, string[]>();
  for (const [group, members] of groups) {
    const labels = new Set(members.map((index) => truth[index]!));
    const [only] = labels;
    if (labels.size === 1 && truthSizes.get(only!) === members.length) correct += members.length;
    else for (const label of labels) wrong.set(label, [...(wrong.get(label) ?? []), `${group} (${members.length} messages)`]);
  }
  return { accuracy: correct / predicted.length, wrong };
}

describe('grouping accuracy on the seeded corpus', () => {
  // 50 templates × 4,000 messages: about 10 s at the miner's speed on a loaded CI core.
  it('is at least 0.95 over 200,000 messages', { timeout: 180_000 }, () => {
    const corpus = createSeededLogCorpus({ seed: 20240607, messagesPerTemplate: 4000 });
    expect(seededTemplateCount).toBe(50);
    expect(corpus.messages).toHaveLength(200_000);
    const miner = createTemplateMiner();
    const renames = createTemplateRenames();
    const templates = corpus.messages.map((message) => {
      const mined = miner.add(normalizeMessage(message).tokens);
      renames.record(mined.replaced, mined.template);
      return mined.template;
    });
    const { accuracy, wrong } = groupingAccuracy(templates.map(renames.resolve), corpus.templateOf);
    const report = [...wrong].map(([label, groups]) => `template ${label}, e.g. ${corpus.messages[corpus.templateOf.indexOf(label)]}\n    ${groups.slice(0, 5).join('\n    ')}`);
    console.log(`seeded corpus: grouping accuracy ${accuracy.toFixed(4)} over ${corpus.messages.length} messages, ${miner.clusterCount} clusters`);
    expect(accuracy, report.join('\n')).toBeGreaterThanOrEqual(0.95);
  });
});
