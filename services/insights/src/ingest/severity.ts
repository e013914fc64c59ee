// Severity: p1 (most severe) to p4, stored as 1-4. Sources speak both scales, so the words
// are aliases: critical = p1, high = p2, medium = p3, low = p4. Empty means p3.

const aliases: Readonly<Record<string, number>> = { critical: 1, high: 2, medium: 3, low: 4 };

/** 1-4 from a value the proto's rule admitted (`p1`…`p4`, `P1`…`P4`, an alias or empty). */
export function severityNumber(value: string): number {
  const text = value.trim().toLowerCase();
  if (text === '') return 3;
  const alias = aliases[text];
  if (alias !== undefined) return alias;
  const match = /^p([1-4])$/.exec(text);
  if (match === null) throw new Error(`not a severity: ${value}`);
  return Number(match[1]);
}

export function severityName(severity: number): string {
  return `p${severity}`;
}
