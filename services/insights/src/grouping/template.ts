import { wildcard, type TokenClass } from './token-class.js';

// Template tokens: a literal, a typed placeholder from the normaliser (`<ip>`), or a token
// the miner generalised. Generalising keeps the structure around the value (`user=<*>`,
// `(<*>)`, `<*>,`) so the template still reads like the messages; a template token holds at
// most one `<*>`.

const leadingBrackets = /^[([{"'`]*/;
const leadingKey = /^[([{"'`]*["']?[A-Za-z_][A-Za-z_.-]*["']?[=:]/;
const trailingPunctuation = /[)\]}"'`,;:.!?]*$/;

/** Whether template token `template` accepts message token `token` (of class `tokenClass`). */
export function fitsToken(template: string, token: string, tokenClass: TokenClass): boolean {
  if (template === token) return true;
  const at = template.indexOf(wildcard);
  // A cause never fits a wildcard: that is what keeps 503 and 429 apart once a template has one.
  if (at < 0 || tokenClass === 'cause') return false;
  const prefix = template.slice(0, at);
  const suffix = template.slice(at + wildcard.length);
  return token.length > prefix.length + suffix.length && token.startsWith(prefix) && token.endsWith(suffix);
}

/** The most specific template token that fits both `a` (perhaps already general) and `b`. */
export function generalizeToken(a: string, b: string, bClass: TokenClass): string {
  if (fitsToken(a, b, bClass)) return a;
  const keyA = leadingKey.exec(a)?.[0];
  const lead = keyA !== undefined && keyA === leadingKey.exec(b)?.[0] ? keyA : commonPrefix(leadingBrackets.exec(a)![0], leadingBrackets.exec(b)![0]);
  const trail = commonSuffix(trailingPunctuation.exec(a.slice(lead.length))![0], trailingPunctuation.exec(b.slice(lead.length))![0]);
  if (a.length - lead.length - trail.length < 1 || b.length - lead.length - trail.length < 1) return wildcard;
  return lead + wildcard + trail;
}

function commonPrefix(a: string, b: string): string {
  let length = 0;
  while (length < a.length && a[length] === b[length]) length++;
  return a.slice(0, length);
}

function commonSuffix(a: string, b: string): string {
  let length = 0;
  while (length < a.length && length < b.length && a[a.length - 1 - length] === b[b.length - 1 - length]) length++;
  return a.slice(a.length - length);
}

const placeholderOnly = /^[^\w<>]*(?:<[a-z0-9*]+>[^\w<>]*)+$/;

/**
 * The template as text, with each run of two or more variable tokens that the miner
 * generalised (or that repeats one placeholder) folded into one: a list of three names and
 * a list of four give one template, and with it one fingerprint, whatever their length.
 */
export function renderTemplate(tokens: readonly string[]): string {
  const out: string[] = [];
  for (let start = 0; start < tokens.length; ) {
    let end = start;
    while (end < tokens.length && placeholderOnly.test(tokens[end]!)) end++;
    const run = tokens.slice(start, end);
    if (run.length >= 2 && (run.some((token) => token.includes(wildcard)) || run.every((token) => token === run[0]))) {
      const first = run[0]!;
      const last = run.at(-1)!;
      const lead = leadingBrackets.exec(first)![0];
      const trail = trailingPunctuation.exec(last)![0];
      out.push(run.every((token) => token === first) ? first : lead + wildcard + trail);
      start = end;
    } else if (run.length > 0) {
      out.push(...run);
      start = end;
    } else out.push(tokens[start++]!);
  }
  return out.join(' ');
}
