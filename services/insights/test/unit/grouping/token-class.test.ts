import { describe, expect, it } from 'vitest';
import { classifyToken } from '../../../src/grouping/token-class.js';

describe('classifyToken', () => {
  it.each([
    'java.lang.NullPointerException:', 'TimeoutError', 'context.DeadlineExceeded', 'ECONNREFUSED', 'Errno::ETIMEDOUT', 'SIGKILL',
    'OOMKilled', 'CrashLoopBackOff', 'ErrImagePull', 'FailedScheduling', 'DEADLINE_EXCEEDED', 'CBS_E_INVALID_PACKAGE',
    '503', '503s', '5xx', '137)', '0x80070005', '40P01', 'status=503', 'reason:OOMKilled', 'code=Unavailable', '"status":429,', 'msg=timeout',
  ])('%s names a cause', (token) => expect(classifyToken(token)).toBe('cause'));

  it.each(['<ip>', 'web-<num>', 'eth0', 'user=alice', 'payments-db', 'orders.v2', 'R02-M1-N0-C:J12-U11', 'user=<num>', 'status=<num>'])(
    '%s is a variable',
    (token) => expect(classifyToken(token)).toBe('variable'),
  );

  it.each(['closed', 'refused', 'ERROR', 'RUNNING', 'Connection', '-', 'ShareLock'])('%s is a word', (token) => expect(classifyToken(token)).toBe('word'));

  it.each(['<*>', 'user=<*>', '(<*>)'])('%s is a wildcard', (token) => expect(classifyToken(token)).toBe('wildcard'));
});
