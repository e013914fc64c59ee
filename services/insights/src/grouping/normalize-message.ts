// Message normalisation: text in, tokens with typed placeholders and the values they
// replaced out. What the grouping treats as variable and what it keeps:
//
// Replaced by a placeholder (the slot keeps the original text):
//   <url> any scheme://…  · <email> · <uuid> · <date> ISO 8601/RFC 3339, RFC 2822, syslog
//   `Dec  7 12:00:01`, ctime, Apache `10/Oct/2000:13:55:36 -0700`, 2024/01/02, BGL, logcat
//   · <time> hh:mm:ss[.fff] · <timestamp> epoch ms anywhere, epoch s after ts=/time=/… ·
//   <mac> · <ip> IPv4 (with :port or /cidr) and IPv6 · <host> names ending in a known
//   public or cluster suffix (so Java packages and file names are not hosts) · <path> unix,
//   windows, UNC and relative paths, basename included (file names vary per request and
//   rotation; the slot keeps them) · <hash> md5/sha1/sha256/sha512 lengths, and git shas of
//   7+ after commit/sha/rev/… · <base64> JWTs and blobs · <objid> Java `Foo@5f3a2b` ·
//   <hex> 0x… and hex runs of 16+ · <id> letter/digit runs that switch 3+ times (pod
//   suffixes, request ids) · <duration> 150ms, 2.5s, 1h2m, 5 seconds · <size> 512MB, 4 GiB ·
//   <version> v2, 1.2.3 · <quoted> a quoted value of up to three words · <bool> after `=`,
//   or after `:` at the end of a value · <num> every other number, inside tokens too
//   (node-3 → node-<num>, blk_-160… → blk_<num>).
//
// Kept verbatim, because they say why something failed and Sentry-style folding of them
// (503 with 429, one exception with another) merges different causes:
//   - HTTP statuses in an HTTP context: `HTTP 503`, `HTTP/1.1" 503`, `status=429`, `status
//     code 500`, `returned 404`, `502 Bad Gateway`, `429 (Too Many Requests)`, `returning
//     503s`, and `503 errors` for the common statuses (not "150 errors", a count);
//   - exit codes and statuses, errno numbers, signal numbers, return codes, error codes,
//     HRESULTs and SQLSTATEs after their keyword (`exit code 137`, `[Errno 111]`, `os error
//     2`, `signal 9`, `rc=1`, `ERROR 1062`, `(SQLSTATE 23505)`, `HRESULT = 0x800f0805`);
//   - values of cause and message keys: `reason=OOMKilled`, `code = Unavailable`,
//     `error="connection refused"`, `msg=timeout` (quoted ones are not masked either);
//   - exception and error type names, errno names, signals and CONSTANT_CASE codes need no
//     rule here: they contain no variable shape, and token-class.ts marks them as causes.
//
// Trailing context is dropped, slots and all: `key=value` pairs with a masked value at the
// end (request_id=…, took=…) and a final bracketed group
// of masked values with at most one plain word and no cause in it (`(attempt 2/5)`,
// `[trace=…]`, `(pid 4242)`; not `(connection reset after 30s)`). Loggers and
// middlewares append these to some lines of a statement and not others; kept, they would
// split one statement into several templates.
//
// Lists of one kind (`10.0.0.1, 10.0.0.2, 10.0.0.3`) become one placeholder, so a list of
// hosts gives the same template whatever its length. Case is kept: it never varies within
// one log statement, and exception names need it.

import { createMasker, sentinelClass, type Masker } from './masker.js';
import { maskSpannedValues, maskWord, quantityOf } from './mask-rules.js';
import { placeholderOf, type Slot } from './slot.js';
import { classifyToken, isCauseKey } from './token-class.js';

export interface NormalizedMessage {
  readonly tokens: readonly string[];
  /** The values behind the placeholders of `tokens`, in order. */
  readonly slots: readonly Slot[];
}

export interface NormalizeOptions {
  /** Tokens kept from the start of a long message; causes are stated early, tails are values. */
  readonly maxTokens?: number;
}

export const defaultMaxTokens = 64;
// Longer text is cut before masking: what follows would be cut as tokens anyway.
const maxTextLength = 4096;

interface Token {
  readonly text: string;
  readonly slots: readonly Slot[];
}

const sentinelInInput = new RegExp(`[${sentinelClass}]`, 'g');
const sentinel = new RegExp(`[${sentinelClass}]`);
const irregularSpace = /[^\S ]| {2}|^ | $/;
const placeholder = /<[a-z0-9]+>/;
const listInToken = /(<[a-z0-9]+>)(?:,\1)+/g;
const listItemWithComma = /^([^\w<]*)(<[a-z0-9]+>),$/;
const trailingPair = /^([\w.-]+)=([^()[\]{}]*)$/;
const closers: Record<string, string> = { ')': '(', ']': '[', '}': '{' };
const maxContextGroupTokens = 8;
// `reason: OOMKilled` → `reason:OOMKilled`: one token, a cause (see token-class.ts). Not
// `error:`, which starts a message rather than naming a value.
const colonGluedKeys = new Set(['reason', 'code', 'status', 'statuscode', 'errno', 'signal', 'sqlstate', 'errorcode', 'exitcode', 'exitstatus']);

export function normalizeMessage(text: string, options: NormalizeOptions = {}): NormalizedMessage {
  const masker = createMasker();
  // Runs of whitespace are one separator: producers align columns and wrap with tabs and
  // double spaces, and `Dec  7` must read like `Dec 17`. Private-use characters are the
  // masker's sentinels; a message's own would be misread.
  const cut = text.length > maxTextLength ? text.slice(0, maxTextLength) : text;
  const safe = sentinel.test(cut) ? cut.replace(sentinelInInput, '\uFFFD') : cut;
  const cleaned = irregularSpace.test(safe) ? safe.replace(/\s+/g, ' ').trim() : safe;
  const words = cleaned === '' ? [] : glue(maskSpannedValues(cleaned, masker).split(' '));
  const tokens: Token[] = [];
  for (let index = 0; index < words.length; index++) {
    const word = words[index]!;
    const quantity = quantityOf(word, words[index + 1] ?? '');
    if (quantity !== undefined) {
      const unit = words[++index]!;
      const trail = /[^\w]*$/.exec(unit)![0];
      tokens.push(toToken(masker.slot(quantity, `${word} ${unit.slice(0, unit.length - trail.length)}`) + trail, masker));
      continue;
    }
    tokens.push(toToken(maskWord(words, index, masker), masker));
  }
  collapseLists(tokens);
  stripTrailingContext(tokens);
  const kept = tokens.slice(0, options.maxTokens ?? defaultMaxTokens);
  const slots: Slot[] = [];
  for (const token of kept) slots.push(...token.slots);
  return { tokens: kept.map((token) => token.text), slots };
}

/** `key = value`, `key= value`, `key =value` → `key=value`; `reason: X` → `reason:X`. */
function glue(words: string[]): string[] {
  const glued: string[] = [];
  for (let index = 0; index < words.length; index++) {
    const word = words[index]!;
    const next = words[index + 1];
    const previous = glued.at(-1);
    if (word === '=' && previous !== undefined && next !== undefined) {
      glued[glued.length - 1] = `${previous}=${next}`;
      index++;
    } else if (word.startsWith('=') && word.length > 1 && previous !== undefined && !previous.includes('=')) {
      glued[glued.length - 1] = previous + word;
    } else if (next !== undefined && (word.endsWith('=') || word.endsWith(':')) && gluesToNext(word, next)) {
      glued.push(word + next);
      index++;
    } else glued.push(word);
  }
  return glued;
}

function gluesToNext(word: string, next: string): boolean {
  if (next.includes('=') || next.endsWith(':')) return false;
  // A key is a word: `eyJvcmRlciI6ODgxMn0=` is base64 padding, not `key= value`.
  return word.endsWith('=') ? /^[A-Za-z_][A-Za-z_.-]*=$/.test(word) : colonGluedKeys.has(word.slice(0, -1).toLowerCase().replace(/[-_]/g, ''));
}

const noSlots: readonly Slot[] = [];

function toToken(raw: string, masker: Masker): Token {
  if (!sentinel.test(raw)) return { text: raw, slots: noSlots };
  let text = '';
  const slots: Slot[] = [];
  for (const char of raw) {
    const value = masker.valueOf(char);
    if (value === undefined) text += char;
    else if (value.kind === undefined) text += value.text;
    else {
      text += placeholderOf(value.kind);
      slots.push({ kind: value.kind, value: value.text });
    }
  }
  return { text: text.includes(',') ? text.replace(listInToken, '$1') : text, slots };
}

/** `<ip>, <ip>, <ip>` → `<ip>`: a list is one value, however many items it has. */
function collapseLists(tokens: Token[]): void {
  for (let index = 0; index < tokens.length - 1; ) {
    const item = listItemWithComma.exec(tokens[index]!.text);
    const next = tokens[index + 1]!;
    if (item !== null && next.text.startsWith(item[2]!) && !/[\w<]/.test(next.text.slice(item[2]!.length))) {
      tokens.splice(index, 2, { text: item[1]! + next.text, slots: [...tokens[index]!.slots, ...next.slots] });
    } else index++;
  }
}

/** Drops trailing `key=<masked>` pairs and bracketed groups of values (see the top of this file), never the whole message. */
function stripTrailingContext(tokens: Token[]): void {
  for (;;) {
    const last = tokens.at(-1);
    if (last === undefined) return;
    let start = tokens.length;
    const pair = trailingPair.exec(last.text);
    if (pair !== null && !isCauseKey(pair[1]!) && placeholder.test(pair[2]!)) start = tokens.length - 1;
    else {
      const opener = closers[last.text.at(-1) ?? ''];
      for (let index = tokens.length - 1; opener !== undefined && index >= Math.max(0, tokens.length - maxContextGroupTokens); index--) {
        if (!tokens[index]!.text.startsWith(opener)) continue;
        const group = tokens.slice(index);
        const classes = group.map((token) => classifyToken(token.text));
        const words = classes.filter((kind) => kind === 'word').length;
        if (group.some((token) => placeholder.test(token.text)) && words <= 1 && !classes.includes('cause')) start = index;
        break;
      }
    }
    if (start === tokens.length || start === 0) return;
    tokens.splice(start);
  }
}
