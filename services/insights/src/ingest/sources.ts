// Where records come from. The stored source is one of these, so it stays a closed set (a
// metric label, a filter): any other source, and an empty one, is stored as `custom`.

export const knownSources = ['sentry', 'pagerduty', 'github', 'jira', 'datadog', 'opsgenie', 'prometheus', 'ci', 'log', 'custom'] as const;

export type Source = (typeof knownSources)[number];

const known: ReadonlySet<string> = new Set(knownSources);

export function storedSource(source: string): Source {
  const name = source.trim().toLowerCase();
  return known.has(name) ? (name as Source) : 'custom';
}
