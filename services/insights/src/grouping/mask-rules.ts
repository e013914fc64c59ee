import { isCauseNumber } from './cause-context.js';
import { sentinelClass, type Masker } from './masker.js';
import type { SlotKind } from './slot.js';
import { isCauseKey, isCauseValue, tokenCore } from './token-class.js';

// The masking rules. A few values span spaces (syslog and ctime dates, `2024-01-02
// 12:00:01`, quoted names): those are masked over the whole text first. Everything else is
// masked token by token: a token is short, and each rule runs only on tokens with the
// characters it needs (an IPv4 needs three dots, a path a slash), so most tokens (plain
// words) cost one test. Within a token the rules run in order: a URL before its host, path
// and numbers; cause-naming numbers kept before anything could mask them; dates before
// times before plain numbers; durations before the id rule, which would take 2h30m.

const s = sentinelClass;

// --- Dates and times ---------------------------------------------------------------------------

const month =
  '(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)';
const weekday = '(?:Mon(?:day)?|Tue(?:s(?:day)?)?|Wed(?:nesday)?|Thu(?:r(?:s(?:day)?)?)?|Fri(?:day)?|Sat(?:urday)?|Sun(?:day)?)';
const zone = '(?:Z|UTC|GMT|[A-Z][SD]T|CES?T|EES?T|WES?T|JST|KST|IST|BST|AES?T|AEDT|[+-]\\d{2}:?\\d{2})';
const clock = '\\d{1,2}:\\d{2}:\\d{2}(?:[.,]\\d{1,9})?';
const date = new RegExp(
  `(?<![\\w/.:-])(?:${[
    // BGL: 2005-06-03-15.42.50.675872
    '\\d{4}-\\d{2}-\\d{2}-\\d{2}\\.\\d{2}\\.\\d{2}(?:\\.\\d{1,9})?',
    // ISO 8601 / RFC 3339, date alone or with a time and zone
    `\\d{4}-\\d{2}-\\d{2}(?:[T ]\\d{2}:\\d{2}(?::\\d{2}(?:[.,]\\d{1,9})?)?)?(?: ?${zone})?`,
    // 2024/01/02 12:00:01 (Go, Windows), 17/06/09 20:10:40 (Spark), 02/01/2024
    `\\d{4}\\/\\d{1,2}\\/\\d{1,2}(?:[ T:]${clock})?`,
    `\\d{2}\\/\\d{2}\\/\\d{2}[ T]${clock}`,
    `\\d{1,2}\\/\\d{1,2}\\/\\d{4}(?:[ T,]+${clock})?`,
    // Apache access log: 10/Oct/2000:13:55:36 -0700
    `\\d{1,2}\\/${month}\\/\\d{4}(?::\\d{2}:\\d{2}:\\d{2})?(?: [+-]\\d{4})?`,
    // 2005.06.03
    `\\d{4}\\.\\d{1,2}\\.\\d{1,2}(?:[ T]${clock})?`,
    // RFC 2822: Tue, 07 Dec 2024 12:00:01 +0000
    `(?:${weekday},? )?\\d{1,2} ${month} \\d{4}(?: \\d{1,2}:\\d{2}(?::\\d{2})?)?(?: ${zone})?`,
    // syslog and ctime: Dec 7 12:00:01, Sun Dec 04 04:47:44 2005, Mon Dec 07 12:00:01 UTC 2024
    `(?:${weekday},? )?${month} \\d{1,2}(?:,? \\d{4})? ${clock}(?: ${zone})?(?: \\d{4})?`,
    // Jan 2, 2024
    `${month} \\d{1,2}, \\d{4}`,
    // logcat: 03-17 16:13:38.811
    `\\d{2}-\\d{2} ${clock}`,
  ].join('|')})(?![\\w])`,
  'g',
);
// Dates with a space in them: a month name, or a date then a time.
const spacedDateHint = new RegExp(`${month}|\\d[ T]\\d{1,2}:\\d{2}`);
const time = /(?<![\w:.])\d{1,2}:\d{2}:\d{2}(?:[.,]\d{1,9})?(?:[AaPp][Mm])?(?:Z|[+-]\d{2}:?\d{2})?(?![\w]|:\d)/g;
// Epoch milliseconds (13 digits from 1, 2001-2033) anywhere; epoch seconds (10 digits)
// only after a time-ish key (in the number rule), since ten-digit ids are common.
const epochMillis = /(?<![\w.])1\d{12}(?![\w]|\.\d)/g;
const epochKeys = new Set(['ts', 'time', 'timestamp', 'epoch', 'since', 'until', 'created', 'createdat', 'updated', 'updatedat', 'expires', 'expiresat', 'exp', 'iat', 'nbf']);

// --- Network -----------------------------------------------------------------------------------
// email, ipv4, ipv6 and jwt are exported: the LLM prompt redaction (llm/redact-prompt.ts) uses them too.

const url = /\b[a-zA-Z][a-zA-Z0-9+.-]*(?::[a-zA-Z][a-zA-Z0-9+.-]*)*:\/\/[^\s"'<>`]+/g;
export const email = /(?<![\w.+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}(?![\w-])/g;
const uuid = /(?<![0-9a-fA-F])[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}(?![0-9a-fA-F])/g;
const mac = /(?<![\w:.-])[0-9A-Fa-f]{2}([:-])(?:[0-9A-Fa-f]{2}\1){4}[0-9A-Fa-f]{2}(?![\w:-])/g;
export const ipv6 = /(?<![\w:.])(?:[0-9A-Fa-f]{0,4}:){2,7}(?:[0-9A-Fa-f]{0,4}|\d{1,3}(?:\.\d{1,3}){3})(?:%[\w.]+)?(?![\w:])/g;
export const ipv4 = /(?<![\w.])(\d{1,3}(?:\.\d{1,3}){3})(?:\/\d{1,2}(?!\d))?(?::\d{1,5})?(?![\w]|\.\d)/g;
// A host needs a known top-level or cluster-internal suffix, so that Java packages
// (org.apache.hadoop.Foo) and file names (config.yaml) are not taken for hosts.
const host = new RegExp(
  `(?<![\\w.@/${s}-])(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\\.)+(?:com|net|org|io|dev|app|cloud|local|localdomain|internal|intranet|svc|cluster|lan|corp|home|edu|gov|mil|co|ai|us|uk|de|fr|eu|nl|jp|cn|ru|br|au|ca|ch|se|info|biz|tech|xyz|site|online|arpa)(?::\\d{1,5})?(?![\\w-]|\\.[A-Za-z0-9])`,
  'gi',
);

// --- Paths -------------------------------------------------------------------------------------
// The whole path is one slot, basename included: file names vary per request, per tenant,
// per rotation (part-00044, app.log.3), and the cause is what happened to the file. The
// slot keeps the full text for the explanation.

const windowsPath = /(?<![\w])[A-Za-z]:\\(?:[^\\\s"'<>|*?:]+\\?)*/g;
const uncPath = /\\\\[\w.$-]+(?:\\[^\\\s"'<>|*?:]+)+\\?/g;
const pathChar = `[\\w.@%+~$${s}-]`;
// Absolute: the first segment needs a letter, so `/10.0.0.1:80` and `3/5` are not paths.
const absolutePath = new RegExp(`(?<=^|[=:"'(\\[,<>])(?:~|\\.{1,2})?\\/(?=[^\\s/]*[A-Za-z_])${pathChar}+(?:\\/${pathChar}*)*`, 'g');
// Relative: three segments or more (refs/heads/main, api/v1/users), or two with an
// extension (src/app.ts); two bare words (and/or, TCP/IP, application/json) are not paths.
const relativePath = new RegExp(
  `(?<=^|[=:"'(\\[,])(?:(?:\\.{1,2}\\/)?(?=[\\w.-]*[A-Za-z])[\\w.@-]+(?:\\/${pathChar}+){2,}\\/?|(?=[\\w.-]*[A-Za-z])[\\w.@-]+(?:\\/[\\w.@-]+)*\\/[\\w@-]+\\.[A-Za-z][A-Za-z0-9]{0,5}(?![\\w/]))`,
  'g',
);

// --- Hashes, encodings, ids --------------------------------------------------------------------

const shaKeys = new Set(['commit', 'sha', 'sha1', 'revision', 'rev', 'ref', 'at', 'checkout', 'cherrypick', 'cherrypicked', 'merge', 'parent', 'tree']);
const shortSha = /^[0-9a-fA-F]{7,40}$/;
const fullHash = /(?<![\w])(?:[0-9a-fA-F]{128}|[0-9a-fA-F]{64}|[0-9a-fA-F]{40}|[0-9a-fA-F]{32})(?![\w])/g;
export const jwt = /\beyJ[\w-]{4,}\.[\w-]{4,}\.[\w-]{4,}/g;
const base64 = /(?<![\w+/=-])[A-Za-z0-9+/]{12,}={0,2}(?![\w+/=-])/g;
// Java `Object@5f3a2b`, `Handler@1b6d3586`: the identity hash after a class name.
const objectId = /(?<=[\w$\]>])@([0-9a-fA-F]{4,16})(?![\w])/g;
const hexLiteral = /(?<![\w])0[xX][0-9a-fA-F]+(?![\w])/g;
const longHex = /(?<![\w])[0-9a-fA-F]{16,}(?![\w])/g;
// Random ids inside a token (pod suffixes, request ids, ULIDs): a run of letters and digits
// that switches between them at least three times (x2x9z, 7d9f8b6c5), where names with a
// number (sha256, ipv4, python3, x86) switch once or twice.
const mixedId = new RegExp(`(?<![A-Za-z0-9${s}])[A-Za-z0-9]{5,}(?![A-Za-z0-9${s}])`, 'g');

// --- Quantities --------------------------------------------------------------------------------

const compactDuration = /(?<![\w.])(?:\d+(?:\.\d+)?(?:ns|us|µs|μs|ms|s|m|h|d))+(?![\w])/g;
const compactSize = /(?<![\w.])\d+(?:\.\d+)?(?:[KMGTPE]i?B|[kKMGTP]b|[KMGTPE]|B|bytes)(?![\w])/g;
const durationWords = new Set([
  'ns', 'nanosecond', 'nanoseconds', 'us', 'microsecond', 'microseconds', 'ms', 'millisecond', 'milliseconds', 'millis',
  'msec', 'msecs', 's', 'sec', 'secs', 'second', 'seconds', 'min', 'mins', 'minute', 'minutes', 'h', 'hr', 'hrs', 'hour',
  'hours', 'day', 'days', 'week', 'weeks',
]);
const sizeWords = new Set(['b', 'byte', 'bytes', 'kb', 'kib', 'mb', 'mib', 'gb', 'gib', 'tb', 'tib', 'pb', 'pib']);
// With a build or pre-release suffix: 1.41.3-rc.1, 2.6.5-1.358, 6.1.7601+sp1.
const version = /(?<![\w.])(?:v\d+(?:\.\d+)*|\d+(?:\.\d+){2,})(?:[-+][\w.]+)?(?![\w])/g;
const numberWithUnit = /(?<![A-Za-z0-9.])\d+(?:\.\d+)?(?=([A-Za-z]{1,5})(?![A-Za-z0-9]))/g;
const number = /(?<![A-Za-z0-9.])[-+]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?:[eE][-+]?\d+)?(?![A-Za-z0-9]|\.\d)/g;
// A number that may name a cause: not part of an address, date, time or ratio.
const causeCandidate = /(?<![A-Za-z0-9.])(?:\d+s?|0x[0-9a-fA-F]+)(?![A-Za-z0-9]|[.\-/:]\d)/g;

// --- Quoted values and booleans ----------------------------------------------------------------

const quoted = /(?<![\w\\])(?:"([^"\n]{0,256})"|'([^'\n]{0,256})'|`([^`\n]{0,256})`|[“‘]([^”’\n]{0,256})[”’])(?![\w])/g;
const keyBeforeQuote = /([A-Za-z_][\w.-]*)["']?[ \t]*[:=][ \t]*$/;
const boolAfterEquals = /(?<==)(?:true|false|yes|no|on|off)(?![\w])/gi;
const boolWord = /^(?:true|false)[,;)\]}]?$/i;

// --- Rules -------------------------------------------------------------------------------------

// Words on each side a context rule looks at (`exit code 137`, `502 Bad Gateway`).
const contextWords = 3;
// Values masked over the whole text are read back as they were: `"GET / HTTP/1.1" 502`.
const before = (words: readonly string[], index: number, masker: Masker) => masker.expand(words.slice(Math.max(0, index - contextWords), index).join(' '));
const after = (words: readonly string[], index: number, masker: Masker) => masker.expand(words.slice(index + 1, index + 1 + contextWords).join(' '));
// Tokens without any of these are plain words: no rule applies to them.
const maskable = /[\d@:/\\.=]/;
// The commonest value of all, a bare number (in brackets or before punctuation), takes a short cut.
const bareNumber = /^([([{"'`]*)(-?\d+(?:\.\d+)?)([)\]}"'`,;:.!?]*)$/;

function replaceAll(token: string, pattern: RegExp, kind: SlotKind, masker: Masker, accept?: (match: string) => boolean): string {
  return token.replace(pattern, (match) => (accept === undefined || accept(match) ? masker.slot(kind, match) : match));
}

function count(text: string, char: string): number {
  let found = 0;
  for (let index = text.indexOf(char); index >= 0; index = text.indexOf(char, index + 1)) found++;
  return found;
}

function transitions(run: string): number {
  let found = 0;
  for (let index = 1; index < run.length; index++) {
    if (/\d/.test(run[index]!) !== /\d/.test(run[index - 1]!)) found++;
  }
  return found;
}

function lastWord(text: string): string {
  return (/([\w-]+)["'\s:=@([]*$/.exec(text.slice(-40))?.[1] ?? '').toLowerCase().replace(/[-_]/g, '');
}

// Digits and letters both: an all-digit run is a number (blk_-1608999687919862906 and
// blk_38865049064139660 must mask alike), an all-letter run a word.
const isHexMix = (match: string) => /\d/.test(match) && /[a-fA-F]/.test(match);
const validIpv4 = (match: string) => match.split(/[/:]/)[0]!.split('.').every((octet) => Number(octet) <= 255);
const validIpv6 = (match: string) => {
  const address = match.split('%')[0]!;
  const doubleColons = address.split('::').length - 1;
  return /[0-9a-fA-F]/.test(address) && doubleColons <= 1 && (doubleColons === 1 || address.split(':').length === 8);
};
const validBase64 = (match: string) => {
  if (match.endsWith('=')) return true;
  const tally = (pattern: RegExp) => match.match(pattern)?.length ?? 0;
  return match.length >= 20 && tally(/\d/g) >= 2 && tally(/[A-Z]/g) >= 2 && tally(/[a-z]/g) >= 2;
};
const validMixedId = (match: string) => {
  const digits = match.replace(/\D/g, '').length;
  return digits > 0 && digits < match.length && ((transitions(match) >= 3 && digits >= 2) || match.length >= 16);
};

/** Masks the values of a text that span spaces: dates, quoted names. */
export function maskSpannedValues(text: string, masker: Masker): string {
  let masked = spacedDateHint.test(text) ? replaceAll(text, date, 'date', masker) : text;
  if (/["'`“‘]/.test(masked)) masked = masked.replace(quoted, (match: string, ...groups: unknown[]) => maskQuoted(match, groups, masker));
  return masked;
}

function maskQuoted(match: string, groups: readonly unknown[], masker: Masker): string {
  // The replace callback's arguments: four alternative captures, the offset, the whole text.
  const content = groups.slice(0, 4).find((group): group is string => typeof group === 'string') ?? '';
  const offset = Number(groups[4]);
  const whole = String(groups[5]);
  const key = keyBeforeQuote.exec(whole.slice(Math.max(0, offset - 32), offset))?.[1];
  // A dictionary key, a cause or message value, or a name that names a cause stays.
  if (whole[offset + match.length] === ':' && /^[\w.-]+$/.test(content)) return match;
  if ((key !== undefined && isCauseKey(key)) || isCauseValue(tokenCore(content))) return match;
  if (!/\s/.test(content) && content !== '') {
    // One word: typed when it is a value of a known kind ('10.0.0.1' stays an address).
    const typed = maskWord([content], 0, masker);
    if (typed.length === 1 && masker.valueOf(typed) !== undefined) return match.replace(content, typed);
  }
  // Up to three words is a name ('orders', "Nightly Backup"); longer is a nested message,
  // whose words are masked token by token like any other.
  if (content.trim().split(/\s+/).length > 3) return match;
  return masker.slot('quoted', content);
}

/** Masks the values inside `words[index]`, judging by the unmasked words around it where a rule needs to. */
export function maskWord(words: readonly string[], index: number, masker: Masker): string {
  const token = words[index]!;
  if (token.length < 12 && !maskable.test(token) && words[index - 1]?.endsWith(':') !== true) return token;
  const hasDigit = /\d/.test(token);
  const bare = hasDigit ? bareNumber.exec(token) : null;
  if (bare !== null) return bare[1]! + maskNumber(bare[2]!, words, index, bare[1]!, bare[3]!, masker) + bare[3]!;
  let word = token;
  if (hasDigit) {
    word = word.replace(causeCandidate, (value: string, offset: number, whole: string) =>
      isCauseNumber(`${before(words, index, masker)} ${whole.slice(0, offset)}`, value, `${whole.slice(offset + value.length)} ${after(words, index, masker)}`)
        ? masker.keep(value)
        : value,
    );
  }
  if (word.includes('://')) {
    word = word.replace(url, (match) => {
      // Sentence punctuation after a URL is not part of it.
      const trimmed = match.replace(/[.,;:!?)\]}]+$/, '');
      return masker.slot('url', trimmed) + match.slice(trimmed.length);
    });
  }
  if (word.includes('@')) word = replaceAll(word, email, 'email', masker);
  if (word.length >= 36 && word.includes('-')) word = replaceAll(word, uuid, 'uuid', masker);
  if (hasDigit) {
    if (/[-/.]/.test(word)) word = replaceAll(word, date, 'date', masker);
    if (word.length >= 13) word = replaceAll(word, epochMillis, 'timestamp', masker);
  }
  if (word.length >= 17 && /[:-]/.test(word)) word = replaceAll(word, mac, 'mac', masker);
  if (count(word, ':') >= 2) word = replaceAll(word, ipv6, 'ip', masker, validIpv6);
  if (hasDigit && count(word, '.') >= 3) word = replaceAll(word, ipv4, 'ip', masker, validIpv4);
  if (word.includes('.')) word = replaceAll(word, host, 'host', masker);
  if (hasDigit && word.includes(':')) word = replaceAll(word, time, 'time', masker);
  if (word.includes('\\')) word = replaceAll(replaceAll(word, windowsPath, 'path', masker), uncPath, 'path', masker);
  if (word.includes('/')) word = replaceAll(replaceAll(word, absolutePath, 'path', masker), relativePath, 'path', masker);
  if (!/[\dA-Za-z]/.test(word)) return word;
  const core = tokenCore(word);
  if (shortSha.test(core) && isHexMix(core) && shaKeys.has(lastWord(before(words, index, masker)))) return word.replace(core, masker.slot('hash', core));
  if (hasDigit) {
    word = replaceAll(word, compactDuration, 'duration', masker);
    word = replaceAll(word, compactSize, 'size', masker);
    word = replaceAll(word, version, 'version', masker);
  }
  if (word.length >= 32) word = replaceAll(word, fullHash, 'hash', masker, isHexMix);
  if (word.includes('eyJ')) word = replaceAll(word, jwt, 'base64', masker);
  if (word.length >= 12) word = replaceAll(word, base64, 'base64', masker, validBase64);
  if (word.includes('@')) word = word.replace(objectId, (match: string, hex: string) => (/\d/.test(hex) ? `@${masker.slot('objid', hex)}` : match));
  if (word.includes('0x') || word.includes('0X')) word = replaceAll(word, hexLiteral, 'hex', masker);
  if (word.length >= 16) word = replaceAll(word, longHex, 'hex', masker, isHexMix);
  if (hasDigit && word.length >= 5) word = replaceAll(word, mixedId, 'id', masker, validMixedId);
  if (word.includes('=')) word = replaceAll(word, boolAfterEquals, 'bool', masker);
  else if (boolWord.test(word) && words[index - 1]?.endsWith(':') === true) word = word.replace(/^\w+/, (value) => masker.slot('bool', value));
  if (!/\d/.test(word)) return word;
  word = word.replace(numberWithUnit, (match: string, unit: string) => (/^[xX]{2}s?$/.test(unit) ? match : masker.slot('num', match)));
  return word.replace(number, (match: string, offset: number, whole: string) =>
    /^1\d{9}(?:\.\d+)?$/.test(match) && epochKeys.has(lastWord(`${before(words, index, masker)} ${whole.slice(0, offset)}`))
      ? masker.slot('timestamp', match)
      : masker.slot('num', match),
  );
}

/** A bare number token: kept if it names a cause, else a timestamp or a number. */
function maskNumber(value: string, words: readonly string[], index: number, lead: string, trail: string, masker: Masker): string {
  if (!value.includes('.') && isCauseNumber(`${before(words, index, masker)} ${lead}`, value, `${trail} ${after(words, index, masker)}`)) return masker.keep(value);
  if (/^1\d{12}$/.test(value)) return masker.slot('timestamp', value);
  const epochSeconds = /^1\d{9}(?:\.\d+)?$/.test(value) && epochKeys.has(lastWord(`${before(words, index, masker)} ${lead}`));
  return masker.slot(epochSeconds ? 'timestamp' : 'num', value);
}

/** Whether `token` is a number that `unit` (the next token) gives a duration or size: `5 seconds`, `4 GB`. */
export function quantityOf(token: string, unit: string): SlotKind | undefined {
  const first = token.charCodeAt(0);
  if (first < 48 || first > 57 || unit === '' || !/^\d+(?:\.\d+)?$/.test(token)) return undefined;
  const name = tokenCore(unit).toLowerCase();
  if (durationWords.has(name) && name.length > 1) return 'duration';
  return sizeWords.has(name) && name.length > 1 ? 'size' : undefined;
}
