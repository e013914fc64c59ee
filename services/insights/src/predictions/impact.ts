// What a recurrence would cost, in p4 equivalents. Severity is stored as 1 (p1, most
// severe) to 4 (p4); each level weighs twice the one below it, so one p1 counts as eight p4s.
// Doubling is a deliberate middle: equal weights would rank a noisy p4 above a rare outage,
// and the tenfold steps of some incident scales would let any p1 drown every other pattern.
// Impact = weight × expected recurrences in the window: the severity-weighted recurrences a
// fix would prevent, so it ranks patterns by likelihood and by cost at once.

export type Severity = 1 | 2 | 3 | 4;

export const severityWeights: Readonly<Record<Severity, number>> = Object.freeze({ 1: 8, 2: 4, 3: 2, 4: 1 });

export function severityWeight(severity: Severity): number {
  // Severities arrive from a smallint column; a value outside 1..4 is a bug to surface, not to weigh.
  const weight: number | undefined = severityWeights[severity];
  if (weight === undefined) throw new RangeError(`severity must be 1 (p1) to 4 (p4), got ${severity}`);
  return weight;
}

/** Expected p4-equivalent recurrences in the window. */
export function expectedImpact(severity: Severity, expectedCount: number): number {
  if (!(expectedCount >= 0 && Number.isFinite(expectedCount))) throw new RangeError(`expectedCount must be finite and not negative, got ${expectedCount}`);
  return severityWeight(severity) * expectedCount;
}
