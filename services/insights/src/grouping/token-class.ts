// What one normalised token is to the template miner. The class decides how two differing
// tokens at the same position are treated:
//
// - `cause`: identifies *why* something failed (an HTTP status or exit code the normaliser
//   kept, an exception or errno name, a signal, a `reason=`/`status=` value, a CONSTANT_CASE
//   code). Two different cause tokens never merge, however similar the rest of the message.
// - `variable`: looks like a value (digits, a placeholder, a `key=value` pair, a compound
//   identifier such as `payments-db` or `orders.v2`). Differing variables merge at once.
// - `word`: a plain word. Differing words merge only when enough distinct words have been
//   seen at that position (see template-miner.ts): "closed" vs "reset" is a different
//   cause, "alice" vs "bob" vs "carol" vs "dave" is a variable.
// - `wildcard`: a template position the miner already generalised (`<*>`, `key=<*>`).
//
// The class is a function of the token text alone, so a template rebuilt from a snapshot
// classifies exactly as the miner that wrote it did.

export type TokenClass = 'cause' | 'variable' | 'word' | 'wildcard';

export const wildcard = '<*>';

/**
 * Keys whose value names a cause or is the message. The value stays literal (`status=503`,
 * `reason=OOMKilled`, `code=ENOENT`, `msg=timeout`), where any other key's value is a
 * variable. Compared lower-cased without `_`, `-` and `.`.
 */
const causeKeys = new Set([
  'status', 'statuscode', 'httpstatus', 'httpstatuscode', 'responsecode', 'responsestatus', 'statusreason',
  'code', 'errorcode', 'errcode', 'errno', 'error', 'err', 'errortype', 'errorclass', 'errtype',
  'exception', 'exc', 'exceptiontype', 'exceptionclass', 'reason', 'exitcode', 'exitstatus',
  'returncode', 'retcode', 'rc', 'signal', 'sig', 'sqlstate', 'hresult', 'hr', 'grpccode', 'grpcstatus',
  // The message itself, in logfmt and gRPC errors: `msg="disk full"`, `desc = context canceled`.
  'msg', 'message', 'cause', 'detail', 'details', 'desc', 'description',
]);

export function isCauseKey(key: string): boolean {
  return causeKeys.has(key.toLowerCase().replace(/[-_.]/g, ''));
}

// POSIX and Winsock errno names (Node, Python, Go, Rust and libc print these). A fixed list
// rather than /^E[A-Z]+$/, which would also take ERROR, EXIT or EMPTY.
const errnoNames = new Set(
  (
    'E2BIG EACCES EADDRINUSE EADDRNOTAVAIL EAFNOSUPPORT EAGAIN EAI_AGAIN EAI_FAIL EAI_NONAME EALREADY EBADF EBADMSG EBUSY ' +
    'ECANCELED ECHILD ECONNABORTED ECONNREFUSED ECONNRESET EDEADLK EDESTADDRREQ EDOM EDQUOT EEXIST EFAULT EFBIG ' +
    'EHOSTDOWN EHOSTUNREACH EIDRM EILSEQ EINPROGRESS EINTR EINVAL EIO EISCONN EISDIR ELOOP EMFILE EMLINK EMSGSIZE ' +
    'ENAMETOOLONG ENETDOWN ENETRESET ENETUNREACH ENFILE ENOBUFS ENODATA ENODEV ENOENT ENOEXEC ENOLCK ENOMEM ENOMSG ' +
    'ENOPROTOOPT ENOSPC ENOSYS ENOTCONN ENOTDIR ENOTEMPTY ENOTFOUND ENOTSOCK ENOTSUP ENOTTY ENXIO EOPNOTSUPP EOVERFLOW ' +
    'EPERM EPIPE EPROTO EPROTONOSUPPORT EPROTOTYPE ERANGE EROFS ESHUTDOWN ESPIPE ESRCH ESTALE ETIME ETIMEDOUT ETXTBSY ' +
    'EWOULDBLOCK EXDEV EOF'
  ).split(' '),
);

// Type and reason names that say what went wrong: NullPointerException, TimeoutError,
// context.DeadlineExceeded, OOMKilled, CrashLoopBackOff, ErrImagePull, FailedScheduling.
const causeTypeName =
  /^(?:[\w$]+[.:/]+)*(?:[A-Z][\w$]*)?(?:Exception|Error|Exit|Fault|Failure|Panic|Timeout|Exceeded|Killed|BackOff|Backoff|Refused|Denied|Unavailable|NotFound|Violation|Overflow|Aborted|Interrupted|Throwable)$/;
const causePrefixedName = /^(?:Err|Failed|OOM|Invalid)[A-Z][A-Za-z]*$/;
const constantCase = /^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+$/;
const signalName = /^SIG[A-Z0-9]{2,}$/;
// The normaliser masks every number except those it kept for naming a cause, so a number
// still standing is one of those: `503`, `503s`, `137`, `0x80070005`, SQLSTATE `40P01`.
const keptNumber = /^(?:\d+|[1-5]\d\ds|[1-5][xX]{2}s?|0x[0-9a-fA-F]+|\d\d[0-9A-Z]{3})$/;
// Keys are words (`user=`, `reason:`); `R02-M1-N0-C:J12-U11` is one id, not a pair.
const keyValue = /^["']?([A-Za-z_][A-Za-z_.-]*)["']?[=:](.+)$/;
const placeholder = /<[a-z0-9*]+>/;

/** The token without surrounding brackets, quotes and trailing sentence punctuation. */
export function tokenCore(token: string): string {
  return token.replace(/^[([{"'`*]+/, '').replace(/[)\]}"'`,;:.!?]+$/, '');
}

// Templates repeat their tokens across millions of messages: classify each text once.
const classified = new Map<string, TokenClass>();
const maxClassified = 100_000;

export function classifyToken(token: string): TokenClass {
  let tokenClass = classified.get(token);
  if (tokenClass === undefined) {
    if (classified.size >= maxClassified) classified.clear();
    tokenClass = classifyUncached(token);
    classified.set(token, tokenClass);
  }
  return tokenClass;
}

// Longer tokens are values (blobs, encoded payloads), whatever they look like.
const maxClassifiedLength = 256;

function classifyUncached(token: string): TokenClass {
  if (token.includes(wildcard)) return 'wildcard';
  if (token.length > maxClassifiedLength) return 'variable';
  const core = tokenCore(token);
  if (core === '') return 'word';
  if (isCauseValue(core)) return 'cause';
  const pair = keyValue.exec(core);
  if (pair !== null) return isCauseKey(pair[1]!) && !placeholder.test(pair[2]!) ? 'cause' : 'variable';
  if (/\d/.test(core) || placeholder.test(core)) return 'variable';
  // Compound identifiers: kebab/snake/dotted/slashed names are almost always names of things.
  if (/[A-Za-z0-9][-_./\\@][A-Za-z0-9]/.test(core) && !causeTypeName.test(core)) return 'variable';
  return 'word';
}

/** A bare value (no key) that names a cause. */
export function isCauseValue(core: string): boolean {
  return (
    keptNumber.test(core) ||
    errnoNames.has(core.replace(/^(?:Errno::|errno\.|syscall\.)/, '')) ||
    /^WSAE[A-Z]+$/.test(core) ||
    signalName.test(core) ||
    constantCase.test(core) ||
    causeTypeName.test(core) ||
    causePrefixedName.test(core)
  );
}

/** The key of a `key=value` / `key:value` token, or undefined. */
export function keyOf(token: string): string | undefined {
  return keyValue.exec(tokenCore(token))?.[1];
}
