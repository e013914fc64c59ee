import { describe, expect, it } from 'vitest';
import { exceptionLine, selectMinedText } from '../../../src/grouping/index.js';

describe('exceptionLine', () => {
  it('takes the root cause of a Java trace: the last Caused by', () => {
    const body = [
      'org.springframework.web.client.ResourceAccessException: I/O error on POST request',
      '\tat org.springframework.web.client.RestTemplate.doExecute(RestTemplate.java:791)',
      'Caused by: java.io.IOException: stream closed',
      '\tat java.base/java.io.BufferedInputStream.read(BufferedInputStream.java:270)',
      'Caused by: java.net.SocketTimeoutException: Read timed out',
      '\t... 12 more',
    ].join('\n');
    expect(exceptionLine(body)).toBe('java.net.SocketTimeoutException: Read timed out');
  });

  it('takes the thread header off a Java exception and reads .NET inner exceptions', () => {
    expect(exceptionLine('Exception in thread "main" java.lang.OutOfMemoryError: Java heap space\n\tat A.b(A.java:1)')).toBe('java.lang.OutOfMemoryError: Java heap space');
    expect(exceptionLine('System.AggregateException: One or more errors occurred.\n ---> System.IO.IOException: Disk full\n   at X.Y()')).toBe('System.IO.IOException: Disk full');
  });

  it('takes the exception of the last Python traceback, not a continuation line after it', () => {
    const body = [
      'Traceback (most recent call last):',
      '  File "/app/a.py", line 3, in <module>',
      "KeyError: 'id'",
      '',
      'During handling of the above exception, another exception occurred:',
      '',
      'Traceback (most recent call last):',
      '  File "/app/a.py", line 5, in <module>',
      '    save()',
      'django.db.utils.IntegrityError: duplicate key value violates unique constraint "users_email_key"',
      'DETAIL:  Key (email)=(a@b.c) already exists.',
    ].join('\n');
    expect(exceptionLine(body)).toBe('django.db.utils.IntegrityError: duplicate key value violates unique constraint "users_email_key"');
  });

  it('takes the header above a JavaScript stack, a Go panic, a Rust panic', () => {
    expect(exceptionLine("TypeError: Cannot read properties of undefined (reading 'id')\n    at render (/app/x.js:1:2)")).toBe("TypeError: Cannot read properties of undefined (reading 'id')");
    expect(exceptionLine('starting\npanic: assignment to entry in nil map\n\ngoroutine 1 [running]:')).toBe('panic: assignment to entry in nil map');
    expect(exceptionLine("thread 'main' panicked at src/main.rs:4:5:\nindex out of bounds")).toBe("thread 'main' panicked at src/main.rs:4:5:");
  });

  it('falls back to the first line marked as an error, and finds nothing in prose', () => {
    expect(exceptionLine('Run npm test\n> vitest run\n##[error]Process completed with exit code 1.')).toBe('##[error]Process completed with exit code 1.');
    expect(exceptionLine('npm ERR! code ERESOLVE\nnpm ERR! ERESOLVE unable to resolve dependency tree')).toBe('npm ERR! code ERESOLVE');
    expect(exceptionLine('Customers reported slow checkout after the deploy.\nWe rolled back at 14:02.')).toBeUndefined();
  });
});

describe('selectMinedText', () => {
  const trace = 'java.net.SocketTimeoutException: Read timed out\n\tat A.b(A.java:1)';

  it('mines the title and the exception line together', () => {
    expect(selectMinedText({ title: 'Payment provider call failed', body: trace })).toBe('Payment provider call failed | java.net.SocketTimeoutException: Read timed out');
  });

  it('mines one of them when it contains the other', () => {
    expect(selectMinedText({ title: 'Read timed out', body: trace })).toBe('java.net.SocketTimeoutException: Read timed out');
    expect(selectMinedText({ title: 'java.net.SocketTimeoutException: Read timed out (checkout)', body: trace })).toBe('java.net.SocketTimeoutException: Read timed out (checkout)');
  });

  it('mines the title alone over prose, and the first line of a title', () => {
    expect(selectMinedText({ title: 'Checkout slow\nsince the deploy', body: 'Customers reported slow checkout.' })).toBe('Checkout slow');
  });

  it('without a title, mines the exception line or the first meaningful body line', () => {
    expect(selectMinedText({ title: '  ', body: trace })).toBe('java.net.SocketTimeoutException: Read timed out');
    expect(selectMinedText({ body: '## Summary\n\n---\nDescription:\nCheckout returns 502 for EU customers\nmore' })).toBe('Checkout returns 502 for EU customers');
    expect(selectMinedText({})).toBe('');
  });
});
