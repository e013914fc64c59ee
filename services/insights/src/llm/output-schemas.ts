import type { OutputSchema } from './llm-provider.js';

// The two structured outputs, as JSON Schemas every provider is held to. They stay inside the
// subset OpenAI's strict mode and Anthropic's tool input schemas both accept: every property
// required, no additional properties, no string lengths (a pattern asks for non-blank text).
// `validateOutput` checks every answer against the same schema, whatever the provider.

const text = { type: 'string', pattern: '\\S' } as const;

export interface AnalysisValue {
  readonly root_cause: string;
  /** Most important first. */
  readonly contributing_factors: readonly string[];
  readonly why_it_recurs: string;
  /** 0-1. */
  readonly confidence: number;
}

export const analysisSchema: OutputSchema = {
  name: 'analysis',
  jsonSchema: {
    type: 'object',
    additionalProperties: false,
    required: ['root_cause', 'contributing_factors', 'why_it_recurs', 'confidence'],
    properties: {
      root_cause: { ...text, description: 'The most likely root cause, in one or two sentences.' },
      contributing_factors: {
        type: 'array',
        description: 'What made the failure possible or worse, most important first.',
        items: text,
        minItems: 1,
        maxItems: 8,
      },
      why_it_recurs: { ...text, description: 'Why the failure keeps coming back rather than staying fixed.' },
      confidence: { type: 'number', minimum: 0, maximum: 1, description: 'How sure the analysis is, from 0 to 1.' },
    },
  },
};

export const recommendationTypes = ['code_fix', 'config_change', 'process', 'monitoring'] as const;
export const recommendationImpacts = ['high', 'medium', 'quick_win'] as const;
export const recommendationEfforts = ['low', 'med', 'high'] as const;

export interface RecommendationItem {
  readonly title: string;
  readonly type: (typeof recommendationTypes)[number];
  readonly impact: (typeof recommendationImpacts)[number];
  readonly effort: (typeof recommendationEfforts)[number];
  readonly steps: readonly string[];
  /** Recurrences the fix is expected to prevent, at least 0. */
  readonly expected_loops_prevented: number;
}

export interface RecommendationsValue {
  readonly items: readonly RecommendationItem[];
}

export const recommendationsSchema: OutputSchema = {
  name: 'recommendations',
  jsonSchema: {
    type: 'object',
    additionalProperties: false,
    required: ['items'],
    properties: {
      items: {
        type: 'array',
        minItems: 1,
        maxItems: 6,
        items: {
          type: 'object',
          additionalProperties: false,
          required: ['title', 'type', 'impact', 'effort', 'steps', 'expected_loops_prevented'],
          properties: {
            title: text,
            type: { type: 'string', enum: [...recommendationTypes] },
            impact: { type: 'string', enum: [...recommendationImpacts] },
            effort: { type: 'string', enum: [...recommendationEfforts] },
            steps: { type: 'array', items: text, minItems: 1, maxItems: 10 },
            expected_loops_prevented: { type: 'number', minimum: 0 },
          },
        },
      },
    },
  },
};
