import { explainGrouping, fingerprintOf, type GroupingExplanation } from './fingerprint.js';
import { selectMinedText, type MinedTextSource } from './mined-text.js';
import { normalizeMessage, type NormalizeOptions } from './normalize-message.js';
import type { MinerChange, TemplateMiner } from './template-miner.js';
import { wildcard } from './token-class.js';

export interface GroupableRecord extends MinedTextSource {
  readonly service?: string | undefined;
  readonly component?: string | undefined;
}

export interface RecordGrouping {
  readonly fingerprint: string;
  readonly clusterId: number;
  readonly explanation: GroupingExplanation;
  readonly change: MinerChange;
  /**
   * Templates that no longer exist, whose messages now share this record's template: the
   * patterns keyed by them (in any service and component) belong to this template's now.
   */
  readonly replacedTemplates: readonly string[];
  /** Clusters the miner dropped under its cap, whose stored state can go. */
  readonly evictedClusterIds: readonly number[];
}

/** Mines one record into its workspace's miner: its fingerprint, and why. */
export function groupRecord(miner: TemplateMiner, record: GroupableRecord, options: NormalizeOptions = {}): RecordGrouping {
  const normalized = normalizeMessage(selectMinedText(record), options);
  const mined = miner.add(normalized.tokens);
  // Where the miner found a variable the normaliser did not type, the record's own word is the slot.
  const variables = normalized.tokens.filter((token, index) => mined.templateTokens[index]!.includes(wildcard) && !/<[a-z0-9]+>/.test(token));
  return {
    fingerprint: fingerprintOf({ template: mined.template, service: record.service, component: record.component }),
    clusterId: mined.clusterId,
    explanation: explainGrouping(mined.template, normalized.slots, variables),
    change: mined.change,
    replacedTemplates: mined.replaced,
    evictedClusterIds: mined.evicted,
  };
}
