import { email, ipv4, ipv6, jwt } from '../grouping/mask-rules.js';

// Personal data and credentials never leave the process in a prompt: emails, IP addresses and
// anything that looks like a token are replaced before a provider (or the prompt log) sees
// the text. Emails, addresses and JWTs are found with the grouping normaliser's own patterns;
// the rest are credential shapes the normaliser has no reason to know. Redaction errs
// towards removing: a hash taken for a key costs the model nothing it needs.

const rules: readonly { readonly pattern: RegExp; readonly replacement: string | ((match: string, ...groups: string[]) => string) }[] = [
  // `Authorization: Bearer …`, `Basic …`, `token …` in headers and logs.
  { pattern: /\b(Bearer|Basic|Token)(\s+)[A-Za-z0-9._~+/=-]{8,}/gi, replacement: (_, scheme: string, space: string) => `${scheme}${space}[token]` },
  // `password=…`, `api_key: "…"`, `secret=…`: keep the name, drop the value (a scheme is
  // the rule above's).
  {
    pattern: /\b((?:password|passwd|pwd|secret|client[_-]?secret|token|access[_-]?token|refresh[_-]?token|api[_-]?key|apikey|access[_-]?key|private[_-]?key|authorization)["']?\s*[:=]\s*["']?)(?!(?:Bearer|Basic|Token)\s|\[token\])([^\s"',;&]{4,})/gi,
    replacement: (_, name: string) => `${name}[token]`,
  },
  { pattern: jwt, replacement: '[token]' },
  // Prefixed keys: OpenAI and Anthropic (sk-…), Causeloop (clp_pat_, clp_sa_), GitHub,
  // GitLab, Slack, Stripe, AWS access key ids.
  {
    pattern: /\b(?:sk|pk|rk)[-_](?:[A-Za-z0-9]+[-_])*[A-Za-z0-9]{16,}|\bclp_(?:pat|sa)_[A-Za-z0-9]{10,}|\b(?:gh[pousr]_|github_pat_|glpat-|xox[abprs]-)[A-Za-z0-9_-]{10,}|\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/g,
    replacement: '[token]',
  },
  // Long random-looking runs (32+ letters and digits, both present): keys without a prefix.
  { pattern: /(?<![A-Za-z0-9_])(?=[A-Za-z0-9_]*\d)(?=[A-Za-z0-9_]*[A-Za-z])[A-Za-z0-9_]{32,}(?![A-Za-z0-9_])/g, replacement: '[token]' },
  { pattern: email, replacement: '[email]' },
  // An IPv6 needs `::` or more than two colons, so a time (12:00:01) is not taken for one.
  { pattern: ipv6, replacement: (match: string) => (match.includes('::') || match.split(':').length > 3 ? '[ip]' : match) },
  { pattern: ipv4, replacement: '[ip]' },
];

/** The text with emails, IPv4 and IPv6 addresses and token-like values replaced by `[email]`, `[ip]`, `[token]`. */
export function redactPrompt(text: string): string {
  let redacted = text;
  for (const { pattern, replacement } of rules) {
    redacted = typeof replacement === 'string' ? redacted.replace(pattern, replacement) : redacted.replace(pattern, replacement);
  }
  return redacted;
}
