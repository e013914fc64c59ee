import type { SubjectFacts } from '../llm/llm-provider.js';

// The prompts sent to a remote model. Built from the subject's facts only; redacted by the
// structured generator before they leave the process.

const analysisSystem = [
  'You are a site reliability engineer analysing a recurring failure in production software.',
  'Given a failure, its message template, severity, frequency and similar failures, answer with:',
  'root_cause: the most likely root cause in one or two sentences;',
  'contributing_factors: what made it possible or worse, most important first;',
  'why_it_recurs: why it keeps coming back rather than staying fixed;',
  'confidence: from 0 to 1, how well the evidence supports the root cause.',
  'Base the answer on the evidence given; say so when it is thin and lower the confidence.',
].join('\n');

const recommendationsSystem = [
  'You are a site reliability engineer proposing fixes for a recurring failure in production software.',
  'Propose one to six recommendations, most valuable first. For each: a short title; type code_fix,',
  'config_change, process or monitoring; impact high, medium or quick_win; effort low, med or high;',
  'concrete steps; and expected_loops_prevented, the recurrences it should prevent over the next 30 days.',
].join('\n');

/** The facts, as the user turn: one fact per line, so the model and a reviewer read the same. */
export function describeSubject(facts: SubjectFacts): string {
  const lines = [
    `Subject: ${facts.kind}`,
    `Message template: ${facts.template}`,
    ...(facts.title === facts.template ? [] : [`Title: ${facts.title}`]),
    `Service: ${facts.service || '(none)'}`,
    `Component: ${facts.component || '(none)'}`,
    `Severity: ${facts.severity} (p1 most severe, p4 least)`,
    `Issues in its pattern: ${facts.issueCount}`,
    `Recurrence: ${facts.recurrence}`,
  ];
  if (facts.similar.length > 0) {
    lines.push('Similar issues in the workspace:');
    for (const issue of facts.similar) lines.push(`- ${issue.title}${issue.patternStatus === '' ? '' : ` (pattern ${issue.patternStatus})`}`);
  }
  return lines.join('\n');
}

export function analysisPrompt(facts: SubjectFacts): { system: string; user: string } {
  return { system: analysisSystem, user: describeSubject(facts) };
}

export function recommendationsPrompt(facts: SubjectFacts): { system: string; user: string } {
  return { system: recommendationsSystem, user: describeSubject(facts) };
}
