// The status workflows of issues and patterns (docs/insights.md#issue-status-workflow).

export const issueStatuses = ['new', 'analyzing', 'analyzed', 'in_loop', 'pattern_found', 'resolved', 'wont_fix'] as const;
export type IssueStatus = (typeof issueStatuses)[number];

/**
 * Where an issue may go from each status. Forward along new → analyzing → analyzed →
 * in_loop → pattern_found → resolved; a step back where work is undone (analysis
 * abandoned, a loop or a pattern that did not hold); resolved or wont_fix from any open
 * status; and a closed issue reopens as new. Staying put is always allowed (no change).
 */
export const issueMoves: Readonly<Record<IssueStatus, readonly IssueStatus[]>> = {
  new: ['analyzing', 'resolved', 'wont_fix'],
  analyzing: ['analyzed', 'new', 'resolved', 'wont_fix'],
  analyzed: ['in_loop', 'pattern_found', 'analyzing', 'resolved', 'wont_fix'],
  in_loop: ['pattern_found', 'analyzed', 'resolved', 'wont_fix'],
  pattern_found: ['resolved', 'in_loop', 'wont_fix'],
  resolved: ['new'],
  wont_fix: ['new'],
};

export type PatternStatusName = 'emerging' | 'active' | 'mitigating' | 'resolved' | 'merged';

/**
 * Where a person may move a pattern (UpdatePattern). Emerging becomes active on its own (3
 * issues over 2 UTC days) or by hand; a new issue reopens mitigating and resolved patterns
 * to active on its own; merged is final (MergePatterns makes it).
 */
export const patternMoves: Readonly<Record<PatternStatusName, readonly PatternStatusName[]>> = {
  emerging: ['active', 'mitigating', 'resolved'],
  active: ['mitigating', 'resolved'],
  mitigating: ['active', 'resolved'],
  resolved: ['active'],
  merged: [],
};

/** `watching` is the product's older word for mitigating; filters and updates accept it. */
export function patternStatusOf(name: string): PatternStatusName {
  return (name === 'watching' ? 'mitigating' : name) as PatternStatusName;
}
