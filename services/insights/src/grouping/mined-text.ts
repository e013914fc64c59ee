// What text of a failure record is mined. Every source fills `title`; bodies range from
// empty (a log line) through stack traces and CI logs to prose (an incident write-up, a
// defect's steps to reproduce). So:
//
// - the title's first line, always: what alerting, trackers and log shippers put there is
//   stable per cause, and a log line's title is the line itself;
// - plus the body's exception line when there is one, because it is machine-written and
//   names the cause where a title may not ("Checkout failing" + "java.net.SocketTimeoutException:
//   Read timed out"). It is the root cause: Java/.NET's last `Caused by:` / `--->`, the
//   exception of Python's last traceback, the header above a JS/Java stack, Go's `panic:`,
//   Rust's `panicked at`, a line starting with an exception type, else the first line marked
//   as an error (ERROR, ERR!, FATAL, FAILED, `error:`, `##[error]`). If one of title and
//   exception line contains the other, that one alone;
// - without a title, the exception line, else the body's first meaningful line.
//
// The rest of a body (stack frames, prose, logs around the error) is not mined: frames and
// prose differ between occurrences of one cause, and would split its pattern.

export interface MinedTextSource {
  readonly title?: string | undefined;
  readonly body?: string | undefined;
}

export const minedTextSeparator = ' | ';
const maxLineLength = 1000;

const frame = /^\s+(?:at\s|File "|in\s|\.\.\.\s*\d+\s+more)|^\s*#\d+\s/;
const causedBy = /^\s*(?:Caused by:\s*|--->\s*)(.+)$/;
const threadPrefix = /^Exception in thread "[^"]*"\s+/;
const goOrRustPanic = /^(?:panic: |fatal error: |thread '[^']*' panicked at )/;
const typedErrorLine = /^(?:[\w$]+\.)*[\w$]*(?:Exception|Error|Throwable)\b(?::|$)/;
const errorMarkedLine = /\b(?:ERROR|ERR!?|FATAL|CRITICAL|SEVERE|PANIC|FAIL(?:ED)?)\b|^(?:error|fatal|Error|Fatal)(?:\[[\w-]+\])?:|##\[error\]/;
const pythonTraceback = /^Traceback \(most recent call last\):/;

export function selectMinedText(record: MinedTextSource): string {
  const title = meaningfulLines(record.title ?? '')[0];
  const exception = record.body === undefined ? undefined : exceptionLine(record.body);
  if (title !== undefined && exception !== undefined) {
    if (exception.includes(title)) return exception;
    if (title.includes(exception)) return title;
    return title + minedTextSeparator + exception;
  }
  return title ?? exception ?? meaningfulLines(record.body ?? '')[0] ?? '';
}

/** The line of a body that names its root cause, if any. */
export function exceptionLine(body: string): string | undefined {
  const lines = body.split(/\r?\n/);
  const found = pythonException(lines) ?? rootCause(lines) ?? stackHeader(lines) ?? firstMatching(lines, goOrRustPanic) ?? firstMatching(lines, typedErrorLine) ?? firstMatching(lines, errorMarkedLine);
  return found === undefined ? undefined : clip(found.trim().replace(threadPrefix, ''));
}

function pythonException(lines: readonly string[]): string | undefined {
  // With chained exceptions the last traceback is what was raised; its exception is the
  // first unindented line after its (indented) frames. Later lines may continue the message
  // (psycopg's DETAIL:), so not the last line.
  const start = lines.findLastIndex((line) => pythonTraceback.test(line));
  if (start < 0) return undefined;
  return lines.slice(start + 1).find((line) => line.trim() !== '' && !/^\s/.test(line));
}

function rootCause(lines: readonly string[]): string | undefined {
  let found: string | undefined;
  for (const line of lines) found = causedBy.exec(line)?.[1] ?? found;
  return found;
}

function stackHeader(lines: readonly string[]): string | undefined {
  for (let index = 0; index < lines.length - 1; index++) {
    const line = lines[index]!;
    if (line.trim() !== '' && !frame.test(line) && frame.test(lines[index + 1]!)) return line;
  }
  return undefined;
}

function firstMatching(lines: readonly string[], pattern: RegExp): string | undefined {
  return lines.find((line) => pattern.test(line.trim()));
}

/** Non-blank lines that are not separators, code fences, markdown headings or bare labels. */
function meaningfulLines(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !/^(?:[-=*_#~`]{3,}|#{1,6}\s.*|[\w ]{1,40}:)$/.test(line))
    .map(clip);
}

function clip(line: string): string {
  return line.length > maxLineLength ? line.slice(0, maxLineLength) : line;
}
