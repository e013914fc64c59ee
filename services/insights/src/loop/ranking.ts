import { severityWeight, type Severity } from '../predictions/index.js';

/** Effort as a divisor: a low-effort fix is worth four times a high-effort one with the same return. */
export const effortWeights = { low: 1, med: 2, high: 4 } as const;

export type Effort = keyof typeof effortWeights;

/**
 * The order recommendations are listed in: expected loops prevented × the pattern's severity
 * weight (p1 8, p2 4, p3 2, p4 1: impact.ts) ÷ effort weight.
 */
export function rankScore(recommendation: { expectedLoopsPrevented: number; effort: Effort }, severity: Severity): number {
  return (recommendation.expectedLoopsPrevented * severityWeight(severity)) / effortWeights[recommendation.effort];
}
