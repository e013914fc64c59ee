import type { LlmTier } from './llm-provider.js';

/** The model each tier asks for. */
export type TierModels = Readonly<Record<LlmTier, string>>;
