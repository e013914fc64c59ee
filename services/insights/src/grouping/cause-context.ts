// Whether a number names a cause, judged by the words around it. A number that does is kept
// verbatim in the template (token-class.ts then treats it as a cause); any other is masked.
//
// - After an HTTP marker (`HTTP 503`, `HTTP/1.1" 503`, `HTTP error 503`) or a status key
//   (`status=429`, `"status":429`, `status code 500`, `response code 404`): the status.
// - After a verb (`returned 404`, `returning 503s`, `responded with a 502`), before a reason
//   phrase (`502 Bad Gateway`, `429 (Too Many Requests)`) or before `errors`/`responses`:
//   only a common status, and (after a verb) not before another noun, since "returned 200
//   rows" and "150 errors" are counts.
// - After an exit, error, errno, signal, return-code or HRESULT key (`exit code 137`,
//   `exited with 1`, `[Errno 111]`, `os error 2`, `signal 9`, `rc=1`, `ERROR 1062`,
//   `HRESULT = 0x800f0805`, `SQLSTATE 23505`): any value. `code`, `rc`, `err`, `sig`, `hr`
//   only with `=` or `:` (`code=1`, not "code 1 of the form").

const statusKeys = new Set(['status', 'statuscode', 'httpstatus', 'httpstatuscode', 'responsecode', 'responsestatus']);
const codeKeys = new Set([
  'exit', 'exitcode', 'exitstatus', 'returncode', 'retcode', 'errno', 'winerror', 'error', 'errorcode', 'signal', 'sqlstate', 'hresult',
]);
const assignedCodeKeys = new Set(['code', 'rc', 'err', 'errcode', 'sig', 'hr']);
// `<first> code|status N`: exit code, status code, error code, return code, response code, with code.
const codeQualifiers = new Set(['exit', 'exited', 'status', 'error', 'return', 'returned', 'response', 'http', 'with', 'os', 'sql']);
// Not "got" or "received": a number after them is mostly a count ("received 392").
const verbs = new Set(['returned', 'returning', 'throwing', 'serving', 'with']);
// "exited with 1"; not "failed with 3 errors", a count.
const exitVerbs = new Set(['exited', 'exit', 'terminated', 'crashed', 'died']);
const httpMarker = /^https?(?:\/[\d.]+)?$/;
const nounsAfterVerbStatus = new Set(['errors', 'error', 'responses', 'response', 'status', 'code', 'codes', 'for', 'from', 'on', 'when', 'while', 'after', 'in', 'at', 'to', 'with', 'because']);

const commonStatuses = new Set([
  '400', '401', '403', '404', '405', '406', '408', '409', '410', '411', '412', '413', '414', '415', '416', '418', '421',
  '422', '423', '424', '425', '426', '428', '429', '431', '451', '499', '500', '501', '502', '503', '504', '505', '507',
  '508', '511',
]);

const reasonPhrase =
  /^\(?(?:Continue|Switching Protocols|OK|Created|Accepted|No Content|Partial Content|Moved Permanently|Found|See Other|Not Modified|Temporary Redirect|Permanent Redirect|Bad Request|Unauthorized|Payment Required|Forbidden|Not Found|Method Not Allowed|Not Acceptable|Proxy Authentication Required|Request Time-?out|Conflict|Gone|Length Required|Precondition Failed|Payload Too Large|Request Entity Too Large|URI Too Long|Unsupported Media Type|Range Not Satisfiable|Expectation Failed|Misdirected Request|Unprocessable Entity|Unprocessable Content|Locked|Failed Dependency|Too Early|Upgrade Required|Precondition Required|Too Many Requests|Request Header Fields Too Large|Unavailable For Legal Reasons|Internal Server Error|Not Implemented|Bad Gateway|Service Unavailable|Gateway Time-?out|HTTP Version Not Supported|Insufficient Storage|Loop Detected|Network Authentication Required)\b/i;
const statusNoun = /^(?:errors?|responses?|status(?:es)?|codes?)\b/i;

/** Letters, digits, `_`, `/`, `.`, `-`. */
function isWordChar(code: number): boolean {
  return (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || code === 95 || code === 47 || code === 46 || code === 45;
}

/** The last `count` words of `text` (letters, digits, `/`, `.`), lower-cased, last first, and the separators after them. */
function wordsBefore(text: string, count: number): { words: string[]; separators: string } {
  let end = text.length;
  while (end > 0 && ` \t"'([:=`.includes(text[end - 1]!)) end--;
  const separators = text.slice(end);
  const words: string[] = [];
  while (words.length < count && end > 0) {
    let start = end;
    while (start > 0 && isWordChar(text.charCodeAt(start - 1))) start--;
    if (start === end) break;
    words.push(text.slice(start, end).toLowerCase().replace(/[-_]/g, ''));
    end = start;
    while (end > 0 && ` \t"'([:=`.includes(text[end - 1]!)) end--;
  }
  return { words, separators };
}

/**
 * Whether `value` (digits, `503s`, `0x…`), between `before` and `after` (the text on each
 * side, a few words of it), names a cause.
 */
export function isCauseNumber(before: string, value: string, after: string): boolean {
  const { words, separators } = wordsBefore(before, 3);
  const [last = '', previous = '', third = ''] = words;
  const status = /^[1-5]\d\ds?$/.test(value) ? value.replace(/s$/, '') : undefined;
  const assigned = /[:=]/.test(separators);
  const afterText = after.trimStart();

  if (statusKeys.has(last)) return true;
  if (status !== undefined) {
    if (httpMarker.test(last)) return true;
    if ((last === 'status' || last === 'code' || last === 'error' || last === 'response') && httpMarker.test(previous)) return true;
    if (commonStatuses.has(status)) {
      if (reasonPhrase.test(afterText) || statusNoun.test(afterText)) return true;
      const verb = last === 'a' || last === 'an' ? previous : last;
      const verbBefore = last === 'a' || last === 'an' ? third : previous;
      if (verbs.has(verb) && (verb !== 'with' || verbBefore === 'responded')) {
        const next = /^[a-z]+/.exec(afterText)?.[0];
        if (next === undefined || nounsAfterVerbStatus.has(next)) return true;
      }
    }
  }
  if (value.endsWith('s')) return false;
  if (codeKeys.has(last)) return true;
  if ((last === 'code' || last === 'status') && codeQualifiers.has(previous)) return true;
  if (assignedCodeKeys.has(last)) return assigned;
  if (last === 'with' && exitVerbs.has(previous)) return true;
  return last === 'state' && previous === 'sql';
}
