import { describe, expect, it } from 'vitest';
import { normalizeMessage, type SlotKind } from '../../../src/grouping/index.js';

const template = (text: string) => normalizeMessage(text).tokens.join(' ');
const slots = (text: string) => normalizeMessage(text).slots.map((slot) => `${slot.kind}=${slot.value}`);

describe('normalizeMessage: placeholders', () => {
  const cases: readonly [kind: SlotKind, input: string, template: string, value: string][] = [
    ['url', 'GET https://api.example.com/v1/users/42?expand=true failed.', 'GET <url> failed.', 'https://api.example.com/v1/users/42?expand=true'],
    ['url', 'jdbc:postgresql://db-1.prod.internal:5432/orders refused', '<url> refused', 'jdbc:postgresql://db-1.prod.internal:5432/orders'],
    ['email', 'bounce for alice.smith+news@mail.example.org', 'bounce for <email>', 'alice.smith+news@mail.example.org'],
    ['uuid', 'order 0F8FAD5B-D9CB-469F-A165-70867728950E missing', 'order <uuid> missing', '0F8FAD5B-D9CB-469F-A165-70867728950E'],
    ['uuid', 'request req-3f2a9c1e-8b7d-4e6f-a5c4-b3d2e1f0a9b8 done', 'request req-<uuid> done', '3f2a9c1e-8b7d-4e6f-a5c4-b3d2e1f0a9b8'],
    ['date', '2024-01-02T12:00:00.123Z worker started', '<date> worker started', '2024-01-02T12:00:00.123Z'],
    ['date', '2016-09-28 04:30:30, Info CBS', '<date>, Info CBS', '2016-09-28 04:30:30'],
    ['date', 'Dec  7 12:00:01 web-1 sshd[42]: up', '<date> web-<num> sshd[<num>]: up', 'Dec 7 12:00:01'],
    ['date', 'Date: Tue, 07 Dec 2024 12:00:01 +0000 bounced', 'Date: <date> bounced', 'Tue, 07 Dec 2024 12:00:01 +0000'],
    ['date', '[Sun Dec 04 04:47:44 2005] [error] boom', '[<date>] [error] boom', 'Sun Dec 04 04:47:44 2005'],
    ['date', '[10/Oct/2000:13:55:36 -0700] hit', '[<date>] hit', '10/Oct/2000:13:55:36 -0700'],
    ['date', '2024/01/02 12:00:01 retrying', '<date> retrying', '2024/01/02 12:00:01'],
    ['date', '17/06/09 20:10:40 INFO ok', '<date> INFO ok', '17/06/09 20:10:40'],
    ['date', 'at 2005-06-03-15.42.50.675872 RAS', 'at <date> RAS', '2005-06-03-15.42.50.675872'],
    ['time', 'tick at 12:00:01.250 late', 'tick at <time> late', '12:00:01.250'],
    ['timestamp', 'expired ts=1700000000 now', 'expired ts=<timestamp> now', '1700000000'],
    ['timestamp', 'event 1733572801123 dropped', 'event <timestamp> dropped', '1733572801123'],
    ['mac', 'DHCPACK to 00:1A:2B:3C:4D:5E via eth0', 'DHCPACK to <mac> via eth0', '00:1A:2B:3C:4D:5E'],
    ['ip', 'connect to 10.0.0.1:5432 failed', 'connect to <ip> failed', '10.0.0.1:5432'],
    ['ip', 'route 10.20.0.0/16 withdrawn', 'route <ip> withdrawn', '10.20.0.0/16'],
    ['ip', 'peer fe80::1ff:fe23:4567:890a%eth0 lost', 'peer <ip> lost', 'fe80::1ff:fe23:4567:890a%eth0'],
    ['ip', 'connect to [2001:db8::1]:443 failed', 'connect to [<ip>]:<num> failed', '2001:db8::1'],
    ['host', 'resolve db-1.prod.internal: timeout', 'resolve <host>: timeout', 'db-1.prod.internal'],
    ['host', 'call payments.default.svc.cluster.local:8080 failed', 'call <host> failed', 'payments.default.svc.cluster.local:8080'],
    ['path', 'open /var/lib/app/data-7.db: permission denied', 'open <path>: permission denied', '/var/lib/app/data-7.db'],
    ['path', 'cannot read C:\\ProgramData\\app\\cache\\x1.tmp now', 'cannot read <path> now', 'C:\\ProgramData\\app\\cache\\x1.tmp'],
    ['path', 'share \\\\fs01\\builds\\artifact.zip offline', 'share <path> offline', '\\\\fs01\\builds\\artifact.zip'],
    ['path', 'lint failed in src/orders/refund.ts', 'lint failed in <path>', 'src/orders/refund.ts'],
    ['hash', 'md5 9e107d9d372bb6826bd81d3542a419d6 mismatch', 'md5 <hash> mismatch', '9e107d9d372bb6826bd81d3542a419d6'],
    ['hash', 'sha256:2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae pulled', 'sha256:<hash> pulled', '2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae'],
    ['hash', 'reverted commit 4f2a9c1 on main', 'reverted commit <hash> on main', '4f2a9c1'],
    ['base64', 'token eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.c2lnbmF0dXJl expired', 'token <base64> expired', 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.c2lnbmF0dXJl'],
    ['base64', 'payload aGVsbG8gd29ybGQgaGVsbG8= rejected', 'payload <base64> rejected', 'aGVsbG8gd29ybGQgaGVsbG8='],
    ['objid', 'lock held by com.acme.Cache@5f3a2b', 'lock held by com.acme.Cache@<objid>', '5f3a2b'],
    ['hex', 'fault at 0x7ffd5e3c1a20 in worker', 'fault at <hex> in worker', '0x7ffd5e3c1a20'],
    ['hex', 'span 4bf92f3577b34da6 closed', 'span <hex> closed', '4bf92f3577b34da6'],
    ['id', 'pod checkout-7d9f8b6c5-x2x9z evicted', 'pod checkout-<id>-<id> evicted', '7d9f8b6c5'],
    ['duration', 'request took 150ms', 'request took <duration>', '150ms'],
    ['duration', 'backoff 1h2m3.5s reached', 'backoff <duration> reached', '1h2m3.5s'],
    ['duration', 'retry in 30 seconds', 'retry in <duration>', '30 seconds'],
    ['size', 'heap 512MB of 4 GiB', 'heap <size> of <size>', '512MB'],
    ['version', 'upgraded to v1.42.0 from 1.41.3-rc.1', 'upgraded to <version> from <version>', 'v1.42.0'],
    ['quoted', "KeyError: 'user_id'", 'KeyError: <quoted>', 'user_id'],
    ['quoted', 'step "Build image" failed', 'step <quoted> failed', 'Build image'],
    ['bool', 'cache enabled=TRUE for tenant', 'cache enabled=<bool> for tenant', 'TRUE'],
    ['bool', 'config {"dryRun": false} rejected', 'config {"dryRun": <bool>} rejected', 'false'],
    ['num', 'queue depth 1,234 above 1000.5 on shard-3 today', 'queue depth <num> above <num> on shard-<num> today', '1,234'],
    ['num', 'dropped blk_-1608999687919862906 and blk_3887', 'dropped blk_<num> and blk_<num>', '-1608999687919862906'],
  ];

  it.each(cases)('masks %s in %j', (kind, input, expected, value) => {
    const normalized = normalizeMessage(input);
    expect(normalized.tokens.join(' ')).toBe(expected);
    expect(normalized.slots).toContainEqual({ kind, value });
  });

  it('returns the slots in order, with their original text', () => {
    expect(slots('user bob@example.com from 10.1.2.3 at 2024-01-02T03:04:05Z took 2.5s')).toEqual([
      'email=bob@example.com',
      'ip=10.1.2.3',
      'date=2024-01-02T03:04:05Z',
      'duration=2.5s',
    ]);
  });

  it('folds a list of one kind into one placeholder whatever its length', () => {
    expect(template('unreachable: a.example.com, b.example.com, c.example.com')).toBe('unreachable: <host>');
    expect(template('unreachable: a.example.com')).toBe('unreachable: <host>');
    expect(template('peers [10.0.0.1,10.0.0.2] down')).toBe('peers [<ip>] down');
  });

  it('keeps a quoted cause, a quoted message and a quoted long text, masking what is inside', () => {
    expect(template("code: 'ECONNREFUSED'")).toBe("code:'ECONNREFUSED'");
    expect(template('level=error msg="connection refused by 10.0.0.1"')).toBe('level=error msg="connection refused by <ip>"');
    expect(template('job "sync orders for tenant 42" failed')).toBe('job "sync orders for tenant <num>" failed');
  });

  it('drops trailing context that loggers append to some lines only', () => {
    const plain = template('payment declined by issuer');
    expect(template('payment declined by issuer request_id=9f8e7d6c5b4a3f2e')).toBe(plain);
    expect(template('payment declined by issuer [trace 4bf92f35-77b3-4da6-a3ce-929d0e0e4736]')).toBe(plain);
    expect(template('payment declined by issuer (took 12ms) trace_id=4bf92f3577b34da6a3ce929d0e0e4736')).toBe(plain);
    // Not a cause, and not words that may state one.
    expect(template('payment declined by issuer (SQLSTATE 40001)')).not.toBe(plain);
    expect(template('payment declined by issuer (connection reset after 30s)')).not.toBe(plain);
    expect(template('payment declined by issuer status=402')).not.toBe(plain);
  });

  it('reads whitespace runs as one space, and cuts long messages', () => {
    expect(template('  disk\tfull  on   /dev/sda1 ')).toBe('disk full on <path>');
    expect(normalizeMessage(Array.from({ length: 100 }, (_, index) => `w${index}`).join(' '), { maxTokens: 10 }).tokens).toHaveLength(10);
  });

  it('treats private-use characters in the input as text, not as its own markers', () => {
    expect(template('odd \uE000 char at 10.0.0.1')).toBe('odd \uFFFD char at <ip>');
  });
});

describe('normalizeMessage: what names a cause stays apart', () => {
  const apart: readonly [string, string][] = [
    ['upstream returned HTTP 503', 'upstream returned HTTP 429'],
    ['request failed status=503', 'request failed status=429'],
    ['"status":503,"path":"/x"', '"status":429,"path":"/x"'],
    ['Request failed with status code 500', 'Request failed with status code 502'],
    ['GET /v1/users/7 returned 404', 'GET /v1/users/7 returned 410'],
    ['upstream: 502 Bad Gateway', 'upstream: 504 Gateway Timeout'],
    ['search failed: 429 (Too Many Requests)', 'search failed: 503 (Too Many Requests)'],
    ['10.0.0.1 - - "GET /x HTTP/1.1" 502 157', '10.0.0.1 - - "GET /x HTTP/1.1" 503 157'],
    ['checkout returning 503s', 'checkout returning 429s'],
    ['spike of 503 errors', 'spike of 500 errors'],
    ['NullPointerException in handler', 'IllegalStateException in handler'],
    ['java.net.SocketTimeoutException: Read timed out', 'java.net.ConnectException: Read timed out'],
    ['Error: connect ECONNREFUSED 10.0.0.1:6379', 'Error: connect ETIMEDOUT 10.0.0.1:6379'],
    ['open x: ENOENT', 'open x: EACCES'],
    ['container exited with code 137', 'container exited with code 143'],
    ['Process completed with exit code 1.', 'Process completed with exit code 2.'],
    ['exit status 1', 'exit status 2'],
    ['Exit Code: 137, Reason: OOMKilled', 'Exit Code: 1, Reason: Error'],
    ['worker killed by signal SIGKILL', 'worker killed by signal SIGTERM'],
    ['worker killed by signal 9', 'worker killed by signal 15'],
    ['[Errno 111] Connection refused', '[Errno 113] Connection refused'],
    ['No such file or directory (os error 2)', 'No such file or directory (os error 13)'],
    ['insert failed (SQLSTATE 23505)', 'insert failed (SQLSTATE 40P01)'],
    ["ERROR 1062 (23000): Duplicate entry 'x'", "ERROR 1213 (23000): Duplicate entry 'x'"],
    ['install failed [HRESULT = 0x800f0805 - CBS_E_INVALID_PACKAGE]', 'install failed [HRESULT = 0x80070002 - CBS_E_INVALID_PACKAGE]'],
    ['rpc error: code = Unavailable desc = x', 'rpc error: code = DeadlineExceeded desc = x'],
    ['pod failed reason=Evicted', 'pod failed reason=OOMKilled'],
    ['job failed rc=1', 'job failed rc=2'],
  ];

  it.each(apart)('%j and %j normalise differently', (a, b) => {
    expect(template(a)).not.toBe(template(b));
  });

  it('keeps the cause value verbatim and leaves it out of the slots', () => {
    expect(template('upstream returned HTTP 503 in 2.5s')).toBe('upstream returned HTTP 503 in <duration>');
    expect(slots('container exited with code 137 after 3m')).toEqual(['duration=3m']);
  });

  it('masks counts that only look like statuses or codes', () => {
    expect(template('query returned 200 rows')).toBe('query returned <num> rows');
    expect(template('expected 423 but received 392')).toBe('expected <num> but received <num>');
    expect(template('found 150 errors in the last hour')).toBe('found <num> errors in the last hour');
    expect(template('retry 3 of 5 failed with 2 errors')).toBe('retry <num> of <num> failed with <num> errors');
    expect(template('code 1 of the form')).toBe('code <num> of the form');
  });

  it('masks values that are not causes in the same contexts', () => {
    expect(template('request failed status=503 user=8812 again')).toBe('request failed status=503 user=<num> again');
    expect(template('pod failed reason=Evicted node=ip-10-0-1-23 again')).toBe('pod failed reason=Evicted node=ip-<num>-<num>-<num>-<num> again');
  });
});
