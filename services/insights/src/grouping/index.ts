// Grouping failure records into patterns: the public API for the insights service.
export { explainGrouping, fingerprintOf, fingerprintVersion } from './fingerprint.js';
export type { ExplainedSlot, FingerprintParts, GroupingExplanation, GroupingRule } from './fingerprint.js';
export { groupRecord } from './group-record.js';
export type { GroupableRecord, RecordGrouping } from './group-record.js';
export { exceptionLine, minedTextSeparator, selectMinedText } from './mined-text.js';
export type { MinedTextSource } from './mined-text.js';
export { defaultMaxTokens, normalizeMessage } from './normalize-message.js';
export type { NormalizedMessage, NormalizeOptions } from './normalize-message.js';
export { createSeededLogCorpus, seededTemplateCount } from './seeded-log-corpus.js';
export type { SeededLogCorpus, SeededLogCorpusOptions } from './seeded-log-corpus.js';
export type { Slot, SlotKind } from './slot.js';
export { createTemplateMiner, defaultMinerOptions } from './template-miner.js';
export type { ClusterSnapshot, MinedMessage, MinerChange, TemplateMiner, TemplateMinerOptions, TemplateMinerSnapshot } from './template-miner.js';
